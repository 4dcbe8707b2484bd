package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is an optional dependency of clusternet-core (issue 14, item 1): a host that does
 * not pass a registry runs the whole service in a class loader that refuses every {@code
 * io.micrometer} class, and not one is asked for. The control case (the same loader, a host that
 * does pass one) shows the loader really refuses.
 */
class WithoutMicrometerTest {
  @TempDir Path tmp;

  /** A class loader over the test class path that refuses Micrometer and records each request. */
  static final class RefusingLoader extends URLClassLoader {
    final Set<String> refused = ConcurrentHashMap.newKeySet();

    RefusingLoader() throws Exception {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] classPath() throws Exception {
      String cp = System.getProperty("surefire.test.class.path",
          System.getProperty("java.class.path"));
      List<URL> urls = new ArrayList<>();
      for (String entry : cp.split(File.pathSeparator)) {
        if (entry.isEmpty() || entry.contains("micrometer")) continue;
        urls.add(new File(entry).toURI().toURL());
      }
      return urls.toArray(URL[]::new);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("io.micrometer.")) {
        refused.add(name);
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }

  /** The host, loaded by the refusing loader. */
  public static final class Host {
    /** Runs a service until it is healthy with one peer, stops it, returns its status. */
    public static String run(Path storage, boolean withRegistry) throws Exception {
      try (FakeApiServer api = FakeApiServer.startOnRandomPort()) {
        FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
        wg.createDevice("clusternet");
        api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
        api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(
            ClusterNet.DEFAULT_ANNOTATION, X25519.publicKey(X25519.generatePrivateKey())
                .toBase64()));
        ClusterNet.Builder b = ClusterNet.builder()
            .nodeName("n0")
            .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
            .storageRoot(storage)
            .backends(wg, Optional.empty())
            .resyncPeriod(Duration.ofMillis(500));
        if (withRegistry) RegistryHost.addRegistry(b); // its own class: Host names no Micrometer type
        ClusterNet net = b.build();
        net.startAsync().awaitRunning();
        try {
          Eventually.await("healthy with a peer", Duration.ofSeconds(20),
              () -> net.health().isHealthy() && net.status().peers().size() == 1);
          return net.status().format();
        } finally {
          net.stopAsync().awaitTerminated();
        }
      }
    }
  }

  /** The control host's Micrometer use (a class of its own, verified only when it is used). */
  public static final class RegistryHost {
    static void addRegistry(ClusterNet.Builder b) {
      b.meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }
  }

  private static Object runIn(RefusingLoader loader, Path storage, boolean withRegistry)
      throws Throwable {
    Class<?> host = Class.forName(Host.class.getName(), true, loader);
    assertThat(host.getClassLoader()).isSameAs(loader);
    try {
      return host.getMethod("run", Path.class, boolean.class).invoke(null, storage, withRegistry);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aHostWithoutARegistryNeverLoadsMicrometer() throws Throwable {
    try (RefusingLoader loader = new RefusingLoader()) {
      Object status = runIn(loader, tmp.resolve("a"), false);
      assertThat((String) status).contains("health: healthy").contains("(node n1)");
      assertThat(loader.refused).isEmpty();
    }
  }

  @Test
  void controlAHostWithARegistryNeedsMicrometer() throws Throwable {
    try (RefusingLoader loader = new RefusingLoader()) {
      assertThatThrownBy(() -> runIn(loader, tmp.resolve("b"), true))
          .isInstanceOf(NoClassDefFoundError.class);
      assertThat(loader.refused).isNotEmpty();
    }
  }
}
