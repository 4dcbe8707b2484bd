package io.clusternet.examples;

import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.ClusterNet;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's embedding example, compiled with the project so it cannot rot: a host
 * application's node agent in a dozen lines.
 *
 * <p>How to run (in a cluster, as root with NET_ADMIN; NODE_NAME set): {@code java -cp
 * examples/target/clusternet-examples.jar io.clusternet.examples.EmbeddingExample}.
 */
public final class EmbeddingExample {
  private EmbeddingExample() {}

  public static void main(String[] args) throws Exception {
    ApiClient client = ClientBuilder.standard().build();        // in-cluster or ~/.kube/config

    ClusterNet net = ClusterNet.builder()
        .nodeName(System.getenv("NODE_NAME"))                   // required
        .kubernetes(client)                                     // required
        .storageRoot(Path.of("/var/lib/clusternet"))            // required: the key lives here
        .clusterCidr(IpPrefix.parse("10.244.0.0/16"))           // optional: route the pod network
        .persistentKeepalive(Duration.ofSeconds(25))            // optional: behind NAT
        .build();                                               // backend: kernel, else userspace

    net.startAsync().awaitRunning();                            // throws if the start failed
    Runtime.getRuntime().addShutdownHook(new Thread(() -> net.stopAsync().awaitTerminated()));
    while (net.isRunning()) {
      System.out.println(net.status().format());                // like `wg show`, plus exclusions
      Thread.sleep(30_000);
    }
  }
}
