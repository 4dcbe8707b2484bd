package io.clusternet.testing;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A network namespace made for one test and deleted by its name afterwards ({@code ip netns}).
 * Needs root. Stop every process running inside before closing: a live process keeps the
 * namespace alive after {@code ip netns del}.
 */
public final class NetworkNamespace implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** A new namespace named {@code <prefix>-<8 hex digits>}, with its loopback up. */
  public static NetworkNamespace create(String prefix) throws IOException, InterruptedException {
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    String name = prefix + "-" + HexFormat.of().formatHex(r);
    Commands.run("ip", "netns", "add", name);
    NetworkNamespace ns = new NetworkNamespace(name);
    try {
      ns.ip("link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  public String name() {
    return name;
  }

  /** {@code ip -n <name> <args>}. */
  public String ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", name));
    command.addAll(List.of(args));
    return Commands.run(command.toArray(String[]::new));
  }

  /** Runs a command inside the namespace ({@code ip netns exec}). */
  public Commands.Result exec(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return Commands.result(full.toArray(String[]::new));
  }

  /** Whether one ping to {@code address} from inside the namespace gets an answer in time. */
  public boolean ping(String address) throws IOException, InterruptedException {
    return exec("ping", "-c", "1", "-W", "2", address).ok();
  }

  /**
   * Whether {@code address} answers one of up to {@code attempts} pings (the first packets of a
   * new tunnel can be lost to the handshake).
   */
  public boolean reaches(String address, int attempts) throws IOException, InterruptedException {
    for (int i = 0; i < attempts; i++) {
      if (ping(address)) return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    Commands.Result r = Commands.result("ip", "netns", "del", name);
    if (!r.ok() && !r.output().contains("No such file")) {
      throw new IOException("ip netns del " + name + ": " + r.output());
    }
  }

  @Override
  public String toString() {
    return "netns " + name;
  }
}
