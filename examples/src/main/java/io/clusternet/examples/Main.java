package io.clusternet.examples;

import java.util.Arrays;

/**
 * {@code java -jar clusternet-examples.jar <command>}: {@code agent} (the node agent), {@code
 * status} (its last status), {@code
 * node-key} (the storage and key example). The three-node demo is its own jar, {@code
 * clusternet-demo.jar} ({@code ./run-demo}): it needs the test kit, which this jar does not carry.
 */
public final class Main {
  private Main() {}

  static final String DEMO_MOVED = """
      The demo is not in the agent's jar: it runs the test kit's API server, and the agent's jar
      carries no test or mock library. It is its own jar, clusternet-demo.jar:
        sudo ./run-demo                                    (installs what it needs, builds, runs)
        java -jar clusternet-demo/target/clusternet-demo.jar  (after ./mvnw -DskipTests package)
      """;

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "agent" -> NodeAgent.main(rest);
      case "status" -> StatusCommand.main(rest);
      case "demo" -> {
        boolean help = rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"));
        (help ? System.out : System.err).print(DEMO_MOVED);
        System.exit(help ? 0 : 2);
      }
      case "node-key" -> NodeKeyExample.main(rest);
      default -> {
        System.out.println("""
            usage: java -jar clusternet-examples.jar <command> [options]

            commands:
              agent     run the clusternet node agent (agent --help for its options)
              status    print the running agent's last status (--json for machines)
              node-key  create a storage root, generate or load the node key, print it

            The three-node demo is its own jar: sudo ./run-demo, see README.md.
            """);
        System.exit(command.equals("help") || command.equals("--help") ? 0 : 2);
      }
    }
  }
}
