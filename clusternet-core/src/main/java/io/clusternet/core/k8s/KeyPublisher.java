package io.clusternet.core.k8s;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.core.backoff.Backoff;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.Untrusted;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's public key on its own Node, on a thread of its own, so an API call that
 * hangs never holds up reconciliation; every call has a deadline. Failures are retried with the
 * shared {@link Backoff}, and logged once per backoff step (with the count), not per attempt.
 *
 * <p>Conflicts: the first publication may replace a stale key (a previous identity of this node;
 * reported once). A different key appearing on our Node <em>after</em> we published means another
 * agent publishes for the same node name: that is a conflict. It is reported in {@link
 * #problem()} with both keys' fingerprints (public keys only), and we take the annotation back
 * only after an exponentially growing hold (1 s doubling to 5 min), so two such agents flip the
 * annotation ever more rarely and the nodes watching it are not flooded. The conflict is cleared
 * when a check after a hold finds our key still in place.
 *
 * <p>Thread-safe. {@link #recheck()} may be called from any thread (the mesh follower calls it
 * when our Node does not show our key).
 */
public final class KeyPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyPublisher.class);

  /** Where publication stands. */
  public enum State {
    /** Not yet confirmed on the Node. */
    PENDING,
    /** Our key is on our Node (as of the last call). */
    PUBLISHED,
    /** The last attempt failed; retrying with backoff. */
    FAILING,
    /** Another agent publishes a different key for this node name. */
    CONFLICT
  }

  private final NodeAnnotator annotator;
  private final String nodeName;
  private final String annotationKey;
  private final PublicKey key;
  private final Clock clock;
  private final Backoff failures;
  private final Backoff conflicts;
  private final ScheduledExecutorService executor;

  private volatile State state = State.PENDING;
  private volatile Optional<String> problem = Optional.empty();
  private volatile Optional<String> notice = Optional.empty();
  private volatile Instant lastAttempt = Instant.EPOCH;
  private volatile long conflictsSeen;
  private boolean everPublished; // executor thread only
  private boolean checkScheduled; // guarded by this
  private Instant holdUntil = Instant.EPOCH; // guarded by this
  private ScheduledFuture<?> pending;

  /**
   * @param client the host's client (its read timeout may be 0; every call here has {@code
   *     deadline})
   * @param deadline the longest one API call may take
   */
  public KeyPublisher(ApiClient client, String nodeName, String annotationKey, PublicKey key,
      Duration deadline, Clock clock) {
    this.annotator = new NodeAnnotator(client, deadline);
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.annotationKey = Objects.requireNonNull(annotationKey, "annotationKey");
    this.key = Objects.requireNonNull(key, "key");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failures = Backoff.standard();
    this.conflicts = Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "clusternet-publisher-" + nodeName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Publishes now (in the background). */
  public void start() {
    schedule(Duration.ZERO, false);
  }

  /** Our Node does not show our key: check with the API server (after any conflict hold). */
  public void recheck() {
    Duration wait;
    synchronized (this) {
      if (checkScheduled) return;
      Duration hold = Duration.between(clock.instant(), holdUntil);
      wait = hold.isNegative() ? Duration.ZERO : hold;
    }
    schedule(wait, true);
  }

  /** Where publication stands. */
  public State state() {
    return state;
  }

  /** Whether our key is on our Node as of the last call, with no conflict. */
  public boolean published() {
    return state == State.PUBLISHED;
  }

  /** What is wrong now (a failing call, a conflict), for health; empty when all is well. */
  public Optional<String> problem() {
    return problem;
  }

  /** Something worth telling once that is not a fault now (a stale key replaced at start). */
  public Optional<String> notice() {
    return notice;
  }

  /** Conflicts seen: times another agent's key was found on our Node after we published. */
  public long conflicts() {
    return conflictsSeen;
  }

  private void schedule(Duration wait, boolean recheck) {
    synchronized (this) {
      if (checkScheduled && recheck) return;
      checkScheduled = true;
    }
    try {
      pending = executor.schedule(() -> attempt(recheck), wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void attempt(boolean recheck) {
    synchronized (this) {
      checkScheduled = false;
    }
    lastAttempt = clock.instant();
    try {
      NodeAnnotator.Result r = annotator.publishOnce(nodeName, annotationKey, key);
      failures.reset();
      if (r.replacedValue().isPresent() && everPublished) {
        conflict(r.replacedValue().get());
        return;
      }
      if (r.replacedValue().isPresent()) {
        notice = Optional.of("replaced a different key on the node: "
            + displayKey(r.replacedValue().get()));
      } else if (recheck && r.patched()) {
        notice = Optional.of("our key had been removed from our Node; published it again");
      }
      everPublished = true;
      if (state == State.CONFLICT) {
        log.info("{}: no other key on our Node after the hold; the key conflict is over",
            nodeName);
        conflicts.reset();
      }
      state = State.PUBLISHED;
      problem = Optional.empty();
    } catch (Exception e) {
      if (state != State.CONFLICT) state = State.FAILING;
      String message = "publishing the key: " + describe(e);
      problem = Optional.of(message);
      Duration wait = failures.next();
      if (failures.worthLogging()) {
        log.warn("{}: {} (failure {} in a row; retrying in {} ms, logged at each doubling)",
            nodeName, message, failures.attempts(), wait.toMillis());
      }
      schedule(wait, recheck);
    }
  }

  private void conflict(String theirs) {
    conflictsSeen++;
    state = State.CONFLICT;
    Duration hold = conflicts.next();
    synchronized (this) {
      holdUntil = clock.instant().plus(hold);
    }
    problem = Optional.of("key conflict: another agent publishes a different key for node "
        + nodeName + " (ours " + fingerprint(key.toBase64()) + ", theirs " + fingerprint(theirs)
        + "); seen " + conflictsSeen + " time(s), taking it back after " + hold.toSeconds() + " s");
    if (conflicts.worthLogging()) log.warn("{}: {}", nodeName, problem.get());
    // Look again after the hold even if no event asks: this is how the conflict clears.
    schedule(hold, true);
  }

  /**
   * One line of at most 300 characters plus a cut note: API messages carry server text, made safe
   * as every untrusted value is ({@link Untrusted#lineSafe}).
   */
  static String describe(Exception e) {
    String text;
    if (e instanceof io.kubernetes.client.openapi.ApiException a) {
      text = a.getCode() == 0
          ? String.valueOf(a.getCause() != null ? a.getCause() : a.getMessage())
          : "HTTP " + a.getCode() + " " + Objects.toString(a.getMessage(), "");
    } else {
      text = String.valueOf(e.getMessage());
    }
    return Untrusted.lineSafe(text.strip(), 300);
  }

  /** A key from the API server as it may be shown: base64 characters only, at most 44. */
  static String displayKey(String value) {
    if (value == null) return "<none>";
    if (value.length() <= 44 && value.matches("[A-Za-z0-9+/=]*")) return value;
    return "<not a key: " + value.length() + " characters>";
  }

  /** The first 8 characters of a base64 public key (or a placeholder). */
  static String fingerprint(String base64) {
    String shown = displayKey(base64);
    return shown.startsWith("<") ? shown : shown.substring(0, Math.min(8, shown.length())) + "…";
  }

  /** Whether this node's info shows our key (for callers that watch our Node). */
  public boolean shows(NodeInfo self) {
    return key.toBase64().equals(self.annotations().get(annotationKey));
  }

  @Override
  public void close() {
    if (pending != null) pending.cancel(true);
    executor.shutdownNow();
  }
}
