package io.clusternet.core.k8s;

import io.clusternet.testing.k8s.KubeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Yaml;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * client-java on top of the test kit's {@link KubeApiServer} (the test kit itself stays free of
 * Kubernetes client libraries): an {@link ApiClient} per identity, and the agent user bound to
 * the ClusterRole shipped in {@code deploy/clusternet.yaml}.
 */
public final class RealApiServers {
  private RealApiServers() {}

  /** The JUnit tag of every test that needs a real kube-apiserver. */
  public static final String TAG = "apiserver";

  /** An ApiClient for that identity: TLS verified against the server's CA, bearer token. */
  public static ApiClient client(KubeApiServer.Credentials c) {
    return new ClientBuilder().setBasePath(c.url()).setVerifyingSsl(true)
        .setCertificateAuthority(c.caCertificatePem())
        .setAuthentication(new AccessTokenAuthentication(c.token())).build();
  }

  /** deploy/clusternet.yaml, found by walking up from the working directory. */
  public static Path manifest() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("deploy/clusternet.yaml");
      if (Files.isRegularFile(candidate)) return candidate;
    }
    throw new IllegalStateException("deploy/clusternet.yaml not found above "
        + Path.of("").toAbsolutePath());
  }

  /** The ClusterRole exactly as the manifest ships it. */
  public static V1ClusterRole shippedClusterRole() throws IOException {
    List<Object> docs = Yaml.loadAll(manifest().toFile());
    return docs.stream().filter(V1ClusterRole.class::isInstance).map(V1ClusterRole.class::cast)
        .findFirst().orElseThrow(() -> new IllegalStateException("no ClusterRole in "
            + manifest()));
  }

  /**
   * Creates the shipped ClusterRole (as the admin) and binds it to the agent user, as the
   * manifest's ClusterRoleBinding binds it to the agent's ServiceAccount. Idempotent.
   */
  public static void bindAgentToShippedRole(KubeApiServer server)
      throws IOException, ApiException {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(client(server.admin()));
    V1ClusterRole role = shippedClusterRole();
    try {
      rbac.createClusterRole(role).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) throw e;
    }
    V1ClusterRoleBinding binding = new V1ClusterRoleBinding()
        .metadata(new V1ObjectMeta().name("clusternet-test-agent"))
        .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("ClusterRole")
            .name(role.getMetadata().getName()))
        .subjects(List.of(new RbacV1Subject().kind("User").apiGroup("rbac.authorization.k8s.io")
            .name(server.agent().user())));
    try {
      rbac.createClusterRoleBinding(binding).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) throw e;
    }
  }
}
