package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.util.Yaml;
import java.io.File;
import java.util.List;
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
        "default: auto", "default: 51820");
  }

  static <T> T only(List<Object> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }
}
