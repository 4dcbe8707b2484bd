package io.clusternet.core.keys;

import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.StorageException;
import java.nio.file.Path;

/**
 * Child-process entry point: {@code KeyProbe <root>} runs {@code loadOrGenerate()} and prints
 * {@code OK <public key> <generated>} or {@code ERR <reason> <location>} and the message.
 */
public final class KeyProbe {
  private KeyProbe() {}

  public static void main(String[] args) {
    ClusternetRoot root = ClusternetRoot.at(Path.of(args[0]));
    try {
      NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
      System.out.println("OK " + key.publicKey() + " " + key.generated());
    } catch (StorageException e) {
      System.out.println("ERR " + e.reason() + " " + e.location());
      System.out.println("MSG " + e.getMessage());
    }
  }
}
