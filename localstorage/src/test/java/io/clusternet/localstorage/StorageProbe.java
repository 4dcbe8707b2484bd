package io.clusternet.localstorage;

import java.nio.file.Path;

/**
 * A child-process entry point for tests that must run with fewer privileges than the test JVM:
 * {@code StorageProbe <root> <write|read> <name...>} prints {@code OK} or {@code ERR <reason>
 * <location>}.
 */
public final class StorageProbe {
  private StorageProbe() {}

  public static void main(String[] args) {
    NioStorage storage = NioStorage.at(Path.of(args[0]));
    StoragePath path = StoragePath.of(java.util.Arrays.copyOfRange(args, 2, args.length));
    try {
      switch (args[1]) {
        case "write" -> storage.write(path, "new".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            FileMode.of(0600), Storage.WriteMode.REPLACE);
        case "read" -> storage.read(path);
        default -> throw new IllegalArgumentException(args[1]);
      }
      System.out.println("OK");
    } catch (StorageException e) {
      System.out.println("ERR " + e.reason() + " " + e.location());
      System.out.println("MSG " + e.getMessage());
    }
  }
}
