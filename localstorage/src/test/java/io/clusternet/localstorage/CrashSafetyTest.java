package io.clusternet.localstorage;

import io.clusternet.testing.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a JVM that rewrites a file in a loop, at random moments, 100 times. After every kill
 * the file must hold exactly the last acknowledged generation or the one after it (the write in
 * flight): never empty, never torn, never older. At most one temporary file may exist (the one the
 * killed write left), and the next write removes it.
 */
class CrashSafetyTest {
  private static final int KILLS = 100;

  @Test
  void aKilledWriterLeavesTheOldOrTheNewContentAndNoPileOfTemporaries(@TempDir Path tmp)
      throws Exception {
    NioStorage storage = NioStorage.at(tmp);
    storage.createDirectory(StoragePath.of("dir"), FileMode.of(0700));
    storage.write(CrashWriter.FILE, CrashWriter.record(0), FileMode.of(0600),
        Storage.WriteMode.REPLACE);
    Path dir = tmp.resolve("dir");
    Random random = new Random();
    long known = 0;
    int killsWithTemporaryLeft = 0;
    int killsThatAdvanced = 0;

    for (int kill = 0; kill < KILLS; kill++) {
      Process child = ChildJvm.start(List.of(), CrashWriter.class, tmp.toString());
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String first = out.readLine();
        assertThat(first).as("child start line").isEqualTo("started at " + known);
        Thread.sleep(random.nextInt(40));
        // SIGKILL by PID; Process.destroyForcibly() would also close our end of its stdout.
        child.toHandle().destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 9);
        long acknowledged = known;
        for (String line; (line = out.readLine()) != null; ) {
          assertThat(line).startsWith("wrote ");
          acknowledged = Long.parseLong(line.substring("wrote ".length()));
        }

        byte[] content = Files.readAllBytes(dir.resolve("file"));
        assertThat(content).as("after kill %d", kill).isNotEmpty();
        long held = CrashWriter.parse(content)
            .orElseThrow(() -> new AssertionError("torn or corrupt file after kill"));
        assertThat(held).as("generation after kill %d (acknowledged %d)", kill, acknowledged)
            .isBetween(acknowledged, acknowledged + 1);
        if (held > known) killsThatAdvanced++;
        known = held;

        List<String> names = list(dir);
        assertThat(names).as("directory after kill %d", kill).contains("file").hasSizeLessThanOrEqualTo(2);
        if (names.size() == 2) killsWithTemporaryLeft++;
      }
    }
    // The kills really landed while the child was writing, and it really made progress.
    assertThat(killsWithTemporaryLeft).as("kills that interrupted a write").isPositive();
    assertThat(killsThatAdvanced).as("kills after which the file had advanced").isPositive();
    System.out.printf("crash test: %d kills, %d interrupted a write, final generation %d%n",
        KILLS, killsWithTemporaryLeft, known);

    // One more ordinary write cleans up the temporary file the last kill may have left.
    storage.write(CrashWriter.FILE, CrashWriter.record(known + 1), FileMode.of(0600),
        Storage.WriteMode.REPLACE);
    assertThat(list(dir)).containsExactly("file");
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
