package io.clusternet.examples;

import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first step of every clusternet node: place the storage tree, then load the node's
 * WireGuard key or generate it once. Prints the public key, which the node will publish on its
 * Node object.
 *
 * <p>How to run (from the repository root):
 *
 * <pre>
 * ./mvnw -q -DskipTests package &amp;&amp; java -jar examples/target/clusternet-examples.jar node-key [storage-root]
 * </pre>
 *
 * <p>Without an argument the storage root is a new temporary directory. Run it twice with the
 * same root and the second run loads the key the first one generated.
 */
public final class NodeKeyExample {
  private NodeKeyExample() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      System.err.println("usage: java -jar clusternet-examples.jar node-key [storage-root]");
      System.exit(2);
    }
    Path rootDir = args.length == 1
        ? Path.of(args[0])
        : Files.createTempDirectory("clusternet-example-");
    ClusternetRoot root = ClusternetRoot.at(rootDir);
    try {
      root.create();
      KeyManager keys = KeyManager.of(root.privateKeyFile());
      NodeKey key = keys.loadOrGenerate();
      System.out.println("storage root: " + rootDir.toAbsolutePath());
      System.out.println("key file:     " + root.privateKeyFile().location()
          + (key.generated() ? " (generated now)" : " (loaded)"));
      System.out.println("public key:   " + key.publicKey());

      // What the next start of this node does: load, never regenerate.
      NodeKey again = KeyManager.of(ClusternetRoot.at(rootDir).privateKeyFile()).loadOrGenerate();
      System.out.println("restarted:    loaded the same key again: "
          + again.publicKey().equals(key.publicKey()));
      System.out.println();
      System.out.println("The full demo, a three-node mesh on this machine: ./run-demo (as root).");
    } catch (StorageException e) {
      System.err.println("error: " + e.getMessage() + " [" + e.reason() + "]");
      System.exit(1);
    }
  }
}
