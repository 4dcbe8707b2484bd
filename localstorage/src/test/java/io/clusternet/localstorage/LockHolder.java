package io.clusternet.localstorage;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process that plays a writer in flight: it takes an exclusive lock on the file named by
 * its argument (as a writer does on its temporary file), says "locked", and holds it until
 * killed.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
