package io.clusternet.netlink.genl;

import io.clusternet.props.Gens;
import org.quicktheories.core.Gen;

/** Generators for the WireGuard genl codec's property tests. */
public final class GenlGenerators {
  private GenlGenerators() {}

  /** How much to pack into how little: peer count, allowed IPs per big peer, message budget. */
  public record PackingCase(int peers, int ipsPerPeer, int budget) {}

  /** 0 to 300 peers, 0 to 700 IPs for every fifth peer (2 for the others), budgets 600 to 16384. */
  public static Gen<PackingCase> packingCases() {
    return Gens.ints(0, 300).zip(Gens.ints(0, 700), Gens.ints(600, 16384), PackingCase::new);
  }
}
