package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1RollingUpdateDaemonSet;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.util.Yaml;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The checked-in manifest parses into typed objects and has the fields the agent needs. */
class DeploymentManifestTest {
  static final File MANIFEST = new File("../deploy/clusternet.yaml");

  @Test
  void theManifestHasWhatTheAgentNeeds() throws Exception {
    List<Object> objects = Yaml.loadAll(MANIFEST);
    V1ServiceAccount sa = only(objects, V1ServiceAccount.class);
    V1ClusterRole role = only(objects, V1ClusterRole.class);
    V1ClusterRoleBinding binding = only(objects, V1ClusterRoleBinding.class);
    V1DaemonSet ds = only(objects, V1DaemonSet.class);

    V1PolicyRule nodes = role.getRules().stream()
        .filter(r -> r.getResources().contains("nodes")).findFirst().orElseThrow();
    assertThat(nodes.getApiGroups()).containsExactly("");
    assertThat(nodes.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "patch");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).anySatisfy(s -> {
      assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
      assertThat(s.getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
    });

    V1PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(ds.getMetadata().getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
    assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(ds.getSpec().getSelector().getMatchLabels())
        .isEqualTo(ds.getSpec().getTemplate().getMetadata().getLabels());
    V1Container agent = pod.getContainers().get(0);
    assertThat(agent.getSecurityContext().getCapabilities().getAdd()).contains("NET_ADMIN");
    assertThat(agent.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("NODE_NAME");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    });
    assertThat(agent.getArgs().get(0)).isEqualTo("agent");
    // Every flag in the manifest is one the agent knows.
    CommandLine cl = new CommandLine(new NodeAgent());
    cl.parseArgs(agent.getArgs().subList(1, agent.getArgs().size()).toArray(String[]::new));
    String storage = agent.getArgs().stream().filter(a -> a.startsWith("--storage-root="))
        .findFirst().orElseThrow().substring("--storage-root=".length());
    V1Volume state = pod.getVolumes().stream().filter(v -> v.getHostPath() != null
        && v.getHostPath().getPath().equals(storage)).findFirst().orElseThrow();
    assertThat(agent.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo(state.getName());
      assertThat(m.getMountPath()).isEqualTo(storage);
    });
    assertThat(pod.getVolumes()).anySatisfy(
        v -> assertThat(v.getHostPath().getPath()).isEqualTo("/dev/net/tun"));
  }

  @Test
  void theAgentsHelpReadsWell() {
    String usage = new CommandLine(new NodeAgent()).getUsageMessage();
    assertThat(usage).contains("--kubeconfig", "--node-name", "--interface", "--storage-root",
        "--backend", "--listen-port", "--cluster-cidr", "--log-level", "--status-interval",
        "--metrics-address",
        "default: auto", "default: 51820");
  }

  /** Probes on the agent's endpoints, resources, priority, tolerations, rolling updates. */
  @Test
  void theDaemonSetIsReadyForARealCluster() throws Exception {
    V1DaemonSet ds = only(Yaml.loadAll(MANIFEST), V1DaemonSet.class);
    V1PodSpec pod = ds.getSpec().getTemplate().getSpec();
    V1Container agent = pod.getContainers().get(0);

    // The probes ask the address the agent serves: loopback (host networking: the kubelet
    // reaches it), the same port, the two paths.
    InetSocketAddress health = HealthEndpoints.parseAddress(agent.getArgs().stream()
        .filter(a -> a.startsWith("--health-address=")).findFirst().orElseThrow()
        .substring("--health-address=".length())).orElseThrow();
    assertThat(health.getAddress().isLoopbackAddress()).isTrue();
    assertThat(health.getPort()).isPositive();
    for (var probe : List.of(Map.entry("/healthz", agent.getLivenessProbe()),
        Map.entry("/readyz", agent.getReadinessProbe()))) {
      V1HTTPGetAction get = probe.getValue().getHttpGet();
      assertThat(get.getPath()).isEqualTo(probe.getKey());
      assertThat(get.getHost()).isEqualTo(health.getAddress().getHostAddress());
      assertThat(get.getPort().isInteger()).isTrue();
      assertThat(get.getPort().getIntValue()).isEqualTo(health.getPort());
    }
    // Metrics on loopback (a collector on the node's host network scrapes them; the comment
    // says how to open them to a cluster Prometheus), on a port of their own.
    InetSocketAddress metrics = HealthEndpoints.parseAddress(agent.getArgs().stream()
        .filter(a -> a.startsWith("--metrics-address=")).findFirst().orElseThrow()
        .substring("--metrics-address=".length())).orElseThrow();
    assertThat(metrics.getAddress().isLoopbackAddress()).isTrue();
    assertThat(metrics.getPort()).isEqualTo(9586);
    // Liveness must not kill a pod whose watchdog is still restoring the device: it turns 503
    // only on FAILED, so a few failures in a row are enough.
    assertThat(agent.getLivenessProbe().getFailureThreshold()).isGreaterThanOrEqualTo(3);

    assertThat(agent.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(agent.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(agent.getResources().getLimits().get("memory").getNumber())
        .isGreaterThanOrEqualTo(agent.getResources().getRequests().get("memory").getNumber());
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    // An empty key with Exists and no effect tolerates every taint.
    assertThat(pod.getTolerations()).anySatisfy(t -> {
      assertThat(t.getKey()).isNull();
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getEffect()).isNull();
    });
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    V1RollingUpdateDaemonSet rolling = ds.getSpec().getUpdateStrategy().getRollingUpdate();
    assertThat(rolling.getMaxUnavailable().getIntValue()).isEqualTo(1);
    // No surge: old and new pod share the host's UDP and health ports.
    assertThat(rolling.getMaxSurge().getIntValue()).isZero();
    // The agent's shutdown hook waits up to 15 s for the service to stop.
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(15L);
  }

  /** The image recipe: a JRE 17, wireguard-go, the jar this build makes, the agent's main. */
  @Test
  void theDockerfileBuildsTheAgentImage() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("../deploy/Dockerfile")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    String text = String.join("\n", lines);
    assertThat(lines.get(0)).startsWith("FROM ");
    assertThat(text).contains("openjdk-17-jre-headless", "wireguard-go",
        "--no-install-recommends");
    // The agent jar is the shade plugin's output file (the module's own artifact is the plain jar).
    String agentJar = Files.readString(Path.of("pom.xml")).replaceAll(
        "(?s).*<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>.*", "$1");
    String copy = lines.stream().filter(l -> l.startsWith("COPY ")).findFirst().orElseThrow();
    assertThat(copy.split(" ")[1]).isEqualTo("examples/target/" + agentJar);
    String target = copy.split(" ")[2];
    String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT "))
        .findFirst().orElseThrow();
    assertThat(entrypoint).contains("\"-jar\", \"" + target + "\"");
    // The manifest's args are the jar's: a command (agent) and its flags.
    V1Container agent = only(Yaml.loadAll(MANIFEST), V1DaemonSet.class).getSpec().getTemplate()
        .getSpec().getContainers().get(0);
    assertThat(agent.getCommand()).as("command (would replace the image entrypoint)").isNullOrEmpty();
    assertThat(agent.getArgs().get(0)).isEqualTo("agent");
  }

  static <T> T only(List<Object> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }
}
