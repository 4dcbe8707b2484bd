package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resync safety net: the mesh kept incrementally is compared, at every resync, with one
 * recomputed from the source of truth; a divergence is repaired and counted, lag is not.
 */
class MeshFollowerTest {
  static final String ANN = MeshMapperTest.ANN;

  /** A source whose fast view (the table) and source of truth are set apart by the test. */
  static class SplitSource implements NodeSource {
    final NodeTable table = new NodeTable();
    List<NodeInfo> truth = new ArrayList<>();
    boolean settled = true;
    int repairs;

    @Override
    public List<NodeInfo> snapshot() {
      return table.snapshot();
    }

    @Override
    public long version() {
      return table.version();
    }

    @Override
    public Optional<Changes> changesSince(long version) {
      return table.changesSince(version);
    }

    @Override
    public Truth truth() {
      return new Truth(truth, settled, table.version());
    }

    @Override
    public Set<String> repair() {
      repairs++;
      return table.replaceAllChanged(truth);
    }

    @Override
    public boolean hasSynced() {
      return true;
    }

    @Override
    public void onChange(Runnable listener) {}

    /** An event that reaches both views (the normal case). */
    void both(NodeInfo n) {
      truth.removeIf(o -> o.name().equals(n.name()));
      truth.add(n);
      table.upsert(n);
    }
  }

  SplitSource source;
  MeshFollower follower;
  final AtomicInteger looksAgain = new AtomicInteger();

  static NodeInfo node(String name, int i, String key) {
    return new NodeInfo(name, Instant.ofEpochSecond(i),
        key == null ? Map.of() : Map.of(ANN, key), List.of("192.0.2." + i),
        List.of("10.244." + i + ".0/24"));
  }

  @BeforeEach
  void setUp() throws Exception {
    source = new SplitSource();
    MeshMapper.Config config = MeshMapperTest.config();
    follower = new MeshFollower("self", source, all -> config, self -> {},
        looksAgain::incrementAndGet);
  }

  static Set<String> peerNodes(DesiredMesh m) {
    Set<String> names = new java.util.TreeSet<>();
    m.peers().values().forEach(p -> names.add(p.nodeName()));
    return names;
  }

  @Test
  void aCorrectRunNeverCountsARepair() throws Exception {
    for (int i = 1; i <= 20; i++) {
      source.both(node("n" + i, i, MeshMapperTest.key()));
      follower.desired(false);
      if (i % 3 == 0) follower.desired(true);
      if (i % 5 == 0) source.both(node("n" + (i - 1), i - 1, null)); // key removed
    }
    DesiredMesh verified = follower.desired(true);
    assertThat(follower.repairs()).isZero();
    assertThat(follower.verifications()).isEqualTo(7);
    assertThat(source.repairs).isZero();
    assertThat(verified).isEqualTo(new MeshState(MeshMapperTest.config()).sync(source.truth));
  }

  @Test
  void aChangeLostInTheFastViewIsRepairedCountedAndMappedAtTheNextResync() throws Exception {
    String k2 = MeshMapperTest.key();
    source.both(node("n1", 1, MeshMapperTest.key()));
    source.both(node("n2", 2, null));
    assertThat(peerNodes(follower.desired(false))).containsExactly("n1");

    // n2's key reaches the source of truth, but its event is lost on the way to the table.
    source.truth.removeIf(n -> n.name().equals("n2"));
    source.truth.add(node("n2", 2, k2));
    assertThat(peerNodes(follower.desired(false))).containsExactly("n1"); // between resyncs

    DesiredMesh repaired = follower.desired(true);
    assertThat(peerNodes(repaired)).containsExactly("n1", "n2");
    assertThat(follower.current()).isEqualTo(repaired);
    assertThat(follower.repairs()).isEqualTo(1);
    assertThat(source.repairs).isEqualTo(1);
    assertThat(looksAgain).hasValue(0);

    // The fast view was repaired too: later changes build on the right state.
    source.both(node("n3", 3, MeshMapperTest.key()));
    assertThat(peerNodes(follower.desired(false))).containsExactly("n1", "n2", "n3");
    follower.desired(true);
    assertThat(follower.repairs()).isEqualTo(1);
  }

  @Test
  void eventsInFlightAreLagNotDivergence() throws Exception {
    source.both(node("n1", 1, MeshMapperTest.key()));
    follower.desired(false);
    source.truth.add(node("n2", 2, MeshMapperTest.key())); // in flight to the table
    source.settled = false;

    follower.desired(true);
    assertThat(follower.repairs()).isZero();
    assertThat(looksAgain).hasValue(1);

    source.table.upsert(source.truth.get(1)); // the event arrives
    source.settled = true;
    assertThat(peerNodes(follower.desired(true))).containsExactly("n1", "n2");
    assertThat(follower.repairs()).isZero();
  }

  /**
   * An event that reaches both views between the follower's catch-up and its reading of the
   * truth is not a divergence (the demo under load counted one such false repair before the
   * follower compared the truth with the fast view at the same version).
   */
  @Test
  void anEventArrivingDuringTheVerificationIsNotADivergence() throws Exception {
    source.both(node("n1", 1, MeshMapperTest.key()));
    follower.desired(false);
    NodeInfo late = node("n2", 2, MeshMapperTest.key());
    SplitSource racy = new SplitSource() {
      boolean once;

      @Override
      public Truth truth() {
        if (!once) {
          once = true;
          both(late); // arrives just before the truth is read
        }
        return super.truth();
      }
    };
    racy.both(node("n1", 1, source.truth.get(0).annotations().get(ANN)));
    MeshFollower f = new MeshFollower("self", racy, all -> {
      try {
        return MeshMapperTest.config();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, self -> {}, looksAgain::incrementAndGet);
    f.desired(false);
    assertThat(peerNodes(f.desired(true))).containsExactly("n1", "n2");
    assertThat(f.repairs()).isZero();
    assertThat(racy.repairs).isZero();
  }

  @Test
  void aSourceThatNeverSettlesIsRepairedAfterBoundedLooks() throws Exception {
    source.both(node("n1", 1, MeshMapperTest.key()));
    follower.desired(false);
    source.truth.add(node("n2", 2, MeshMapperTest.key()));
    source.settled = false;
    for (int i = 1; i < MeshFollower.MAX_UNSETTLED; i++) follower.desired(true);
    assertThat(follower.repairs()).isZero();
    assertThat(peerNodes(follower.desired(true))).containsExactly("n1", "n2");
    assertThat(follower.repairs()).isEqualTo(1);
  }

  @Test
  void differingNodesNamesEveryNodeWhosePeerOrExclusionDiffers() throws Exception {
    MeshState a = new MeshState(MeshMapperTest.config());
    MeshState b = new MeshState(MeshMapperTest.config());
    String k = MeshMapperTest.key();
    DesiredMesh ma = a.sync(List.of(node("n1", 1, k), node("n2", 2, null)));
    DesiredMesh mb = b.sync(List.of(node("n1", 1, k), node("n2", 2, MeshMapperTest.key()),
        node("n3", 3, null)));
    assertThat(MeshFollower.differingNodes(ma, mb)).containsExactly("n2", "n3");
  }
}
