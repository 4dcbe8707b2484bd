package io.clusternet.examples;

import java.util.Arrays;

/**
 * {@code java -jar clusternet-examples.jar <command>}: {@code agent} (the node agent), {@code
 * demo} (a three-node mesh on this machine), {@code node-key} (the storage and key example).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "agent" -> NodeAgent.main(rest);
      case "demo" -> Demo.main(rest);
      case "node-key" -> NodeKeyExample.main(rest);
      default -> {
        System.out.println("""
            usage: java -jar clusternet-examples.jar <command> [options]

            commands:
              agent     run the clusternet node agent (agent --help for its options)
              demo      a real three-node mesh on this machine: API server, network namespaces,
                        one agent per node, pings across the mesh (needs root, wireguard-go)
              node-key  create a storage root, generate or load the node key, print it
            """);
        System.exit(command.equals("help") || command.equals("--help") ? 0 : 2);
      }
    }
  }
}
