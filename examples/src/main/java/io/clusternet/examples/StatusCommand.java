package io.clusternet.examples;

import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.TypedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clusternet-examples.jar status}: the running agent's last status, as it wrote it to
 * {@code <storage-root>/ephemeral/clusternet/status.txt} (wg show style: peers with endpoint,
 * allowed IPs, latest handshake and transfer, then the excluded nodes with reasons) or, with
 * {@code --json}, {@code status.json}; and how long ago it was written.
 */
@Command(name = "clusternet-examples.jar status", mixinStandardHelpOptions = true,
    sortOptions = false, usageHelpWidth = 100,
    description = {"Prints the running agent's last status (written every --status-interval "
        + "seconds of the agent, default 30) and its age."},
    footer = {"", "Exit codes: 0 printed, 1 no status there (no agent, or --status-interval 0), "
        + "2 bad usage."})
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--storage-root", paramLabel = "DIR", defaultValue = "/var/lib/clusternet",
      description = "the agent's --storage-root (default: ${DEFAULT-VALUE})")
  Path storageRoot;

  @Option(names = "--json", description = "print status.json (for machines) instead")
  boolean json;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new StatusCommand()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    ClusternetRoot root = ClusternetRoot.at(storageRoot);
    TypedFile<String> file = json ? root.ephemeral.clusternet.statusJson
        : root.ephemeral.clusternet.status;
    Optional<String> text = file.read();
    if (text.isEmpty()) {
      System.err.println("error: no status at " + file.location() + " (is the agent running "
          + "with this --storage-root and a --status-interval above 0?)");
      return 1;
    }
    System.out.print(text.get());
    if (!json) {
      Path p = Path.of(file.location());
      Duration age = Duration.between(Files.getLastModifiedTime(p).toInstant(), Instant.now());
      System.out.println("(written " + Math.max(0, age.toSeconds()) + " s ago by the agent)");
    }
    return 0;
  }
}
