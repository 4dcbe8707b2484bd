package io.clusternet.core.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.core.backoff.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The informer's failure log (issue 14, "Logs"): a run of identical failures is logged at its
 * first and at each doubling, with its count; a pause longer than the window (a success in
 * between) starts a new run; alternating failures each keep their own run.
 */
class RepeatedFailuresTest {
  static final long SECOND = Duration.ofSeconds(1).toNanos();

  static List<Long> logged(InformerNodeSource.RepeatedFailures f, List<String> failures,
      long startNanos, long stepNanos) {
    List<Long> logged = new ArrayList<>();
    long t = startNanos;
    for (String failure : failures) {
      long n = f.record(failure, t);
      if (Backoff.worthLogging(n)) logged.add(n);
      t += stepNanos;
    }
    return logged;
  }

  @Test
  void anHourOfIdenticalFailuresOncePerSecondIsTwelveLines() {
    var f = new InformerNodeSource.RepeatedFailures(Duration.ofSeconds(10));
    List<Long> logged = logged(f, java.util.Collections.nCopies(3600, "refused"), 0, SECOND);
    assertThat(logged).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1024L,
        2048L);
  }

  @Test
  void aPauseLongerThanTheWindowStartsANewRun() {
    var f = new InformerNodeSource.RepeatedFailures(Duration.ofSeconds(10));
    assertThat(logged(f, java.util.Collections.nCopies(5, "refused"), 0, SECOND))
        .containsExactly(1L, 2L, 4L);
    // The watch then ran for a minute: the next failure is news again.
    assertThat(f.record("refused", 64 * SECOND)).isEqualTo(1);
    assertThat(f.record("refused", 65 * SECOND)).isEqualTo(2);
  }

  @Test
  void alternatingFailuresEachKeepTheirOwnRun() {
    var f = new InformerNodeSource.RepeatedFailures(Duration.ofSeconds(10));
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 64; i++) failures.add(i % 2 == 0 ? "list refused" : "watch refused");
    // 32 of each: 1, 2, 4, 8, 16, 32 for each kind.
    assertThat(logged(f, failures, 0, SECOND / 2)).hasSize(12);
  }

  @Test
  void backoffsRuleForACountKeptElsewhere() {
    assertThat(Backoff.worthLogging(0L)).isFalse();
    assertThat(Backoff.worthLogging(-4L)).isFalse();
    assertThat(Backoff.worthLogging(1L)).isTrue();
    assertThat(Backoff.worthLogging(3L)).isFalse();
    assertThat(Backoff.worthLogging(1L << 40)).isTrue();
  }
}
