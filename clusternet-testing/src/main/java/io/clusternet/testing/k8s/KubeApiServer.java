package io.clusternet.testing.k8s;

import io.clusternet.testing.Commands;
import io.clusternet.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real kube-apiserver (v1.20, built from Debian's {@code kubernetes} source package by {@code
 * tools/kube-apiserver/build.sh}) with its own etcd, on loopback, started and stopped by {@code
 * tools/kube-apiserver/cluster.sh}: a throw-away CA, static bearer tokens, {@code Node,RBAC}
 * authorization, no controller-manager or scheduler. Two identities: an admin (group {@code
 * system:masters}) and a plain agent user whom RBAC grants nothing until a test binds a role.
 *
 * <p>When the server cannot be had (no cached binary, no etcd, not built yet), {@link #start}
 * skips the test loudly, or fails it under {@code CLUSTERNET_CI=1} (see {@link Prerequisites}).
 * Start costs about 6 s and 370 MB; share one server per test class. Processes are stopped by
 * PID in {@link #close()} and, should the test JVM exit without it, by a shutdown hook.
 *
 * <p>Credentials are plain values (URL, token, CA file) so that this test kit stays free of any
 * Kubernetes client; tests build their client from them.
 */
public final class KubeApiServer implements AutoCloseable {
  /** Where the script is, when not found by walking up from the working directory. */
  public static final String SCRIPT_PROPERTY = "clusternet.kubeApiServerScript";

  /** How to reach the server as one user: a bearer token over TLS verified against the CA. */
  public record Credentials(String user, String url, String token, Path caFile) {
    public Credentials {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(caFile, "caFile");
    }

    /** The CA certificate (PEM) the server's certificate is signed by. */
    public byte[] caCertificatePem() {
      try {
        return Files.readAllBytes(caFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", url=" + url + ", token=<redacted>]";
    }
  }

  private final Path script;
  private final Path dir;
  private final Map<String, String> env;
  private final Thread hook;
  private boolean closed;

  private KubeApiServer(Path script, Path dir, Map<String, String> env) {
    this.script = script;
    this.dir = dir;
    this.env = env;
    this.hook = new Thread(this::stopQuietly, "kube-apiserver-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts etcd and kube-apiserver with their state in {@code dir} and waits until {@code
   * /readyz} answers {@code ok}.
   *
   * @param dir an empty or missing directory; it holds the keys, tokens, data and logs
   * @throws IOException when the script fails for another reason than a missing prerequisite
   *     (its output, which includes the servers' last log lines, is in the message)
   */
  public static KubeApiServer start(Path dir) throws IOException, InterruptedException {
    Path script = script();
    Prerequisites.require(script != null, "tools/kube-apiserver/cluster.sh (set -D"
        + SCRIPT_PROPERTY + " when not running inside the clusternet source tree)");
    Files.createDirectories(dir);
    Commands.Result r = Commands.result("bash", script.toString(), "start", dir.toString());
    if (r.exitCode() == 3) {
      Prerequisites.require(false, "a real kube-apiserver: " + lastLine(r.output()));
    }
    if (!r.ok()) {
      throw new IOException("cluster.sh start exited " + r.exitCode() + ": " + r.output());
    }
    return new KubeApiServer(script, dir, readEnv(dir.resolve("env")));
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static Path script() {
    String configured = System.getProperty(SCRIPT_PROPERTY);
    if (configured != null) return Path.of(configured);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("tools/kube-apiserver/cluster.sh");
      if (Files.isRegularFile(candidate)) return candidate;
    }
    return null;
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return Map.copyOf(out);
  }

  private String env(String key) {
    String v = env.get(key);
    if (v == null) throw new IllegalStateException("cluster.sh wrote no " + key);
    return v;
  }

  /** The server's base URL, {@code https://127.0.0.1:PORT}. */
  public String url() {
    return env("URL");
  }

  /** The CA certificate file (PEM) that signed the serving certificate. */
  public Path caFile() {
    return Path.of(env("CA_FILE"));
  }

  /** The admin: user {@code clusternet-admin}, group {@code system:masters} (may do anything). */
  public Credentials admin() {
    return new Credentials(env("ADMIN_USER"), url(), env("ADMIN_TOKEN"), caFile());
  }

  /** A plain user ({@code clusternet-agent}, no groups): RBAC grants it nothing by itself. */
  public Credentials agent() {
    return new Credentials(env("AGENT_USER"), url(), env("AGENT_TOKEN"), caFile());
  }

  /** etcd's client URL (plain HTTP on loopback). */
  public String etcdUrl() {
    return env("ETCD_URL");
  }

  /** The directory holding the state and the logs ({@code kube-apiserver.log}, {@code etcd.log}). */
  public Path dir() {
    return dir;
  }

  /** Stops kube-apiserver only (clients see connection refused); etcd keeps every object. */
  public void stopApiServer() throws IOException, InterruptedException {
    Commands.run("bash", script.toString(), "stop-apiserver", dir.toString());
  }

  /** Starts kube-apiserver again on the same port, over the same etcd; returns once ready. */
  public void startApiServer() throws IOException, InterruptedException {
    Commands.run("bash", script.toString(), "start-apiserver", dir.toString());
  }

  /**
   * Compacts etcd to its current revision and restarts kube-apiserver, so that no earlier
   * resourceVersion can be watched from: its watch cache starts again at the current revision
   * and etcd has dropped the history below it. A watch from an older version then answers
   * {@code 410 Gone}, as after a long disconnection in a busy cluster.
   *
   * @return the etcd revision compacted to
   */
  public long compact() throws IOException, InterruptedException {
    long rev = Long.parseLong(Commands.run("bash", script.toString(), "compact",
        dir.toString()).strip().lines().reduce((a, b) -> b).orElseThrow());
    stopApiServer();
    startApiServer();
    return rev;
  }

  /**
   * Deletes one key straight from etcd, past kube-apiserver: for changes that must happen while
   * the API server is stopped (a Node deleted while every watch is down, say). Nodes are stored
   * under {@code /registry/minions/NAME}.
   *
   * @return how many keys were deleted (0 or 1)
   */
  public long etcdDelete(String key) throws IOException, InterruptedException {
    String body = "{\"key\":\"" + java.util.Base64.getEncoder().encodeToString(
        key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\"}";
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(etcdUrl() + "/v3/kv/deleterange"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("etcd deleterange " + key + ": HTTP " + r.statusCode() + " " + r.body());
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"deleted\":\"?(\\d+)")
        .matcher(r.body());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Stops both processes by PID. The directory (logs included) is left for the caller. */
  @Override
  public synchronized void close() throws IOException, InterruptedException {
    if (closed) return;
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    Commands.run("bash", script.toString(), "stop", dir.toString());
  }

  private void stopQuietly() {
    try {
      Commands.result("bash", script.toString(), "stop", dir.toString());
    } catch (IOException | InterruptedException e) {
      System.err.println("kube-apiserver fixture: stopping " + dir + " failed: " + e);
    }
  }

  @Override
  public String toString() {
    return "KubeApiServer[" + url() + ", " + dir + "]";
  }

  /** The last lines of the server's log, for a failing test's message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("kube-apiserver.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
