package io.clusternet.testing.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The same requests against the test kit's {@link FakeApiServer} and a real kube-apiserver
 * ({@link KubeApiServer}), comparing status codes and the resulting objects. Each scenario
 * records what it saw as lines of text; both servers must produce the same lines, and those
 * lines are written out below as what the real server (v1.20.2) does.
 *
 * <p>Differences the fake does not match (and that no scenario below compares): it sets no
 * {@code uid}, {@code managedFields} or default fields (no {@code node.kubernetes.io/not-ready}
 * taint, for example); it validates nothing but patches, preconditions and resourceVersions;
 * strategic merge patch knows only the merge keys of Node lists ({@code status.addresses} and
 * {@code status.conditions} by {@code type}) and no {@code $patch} directives; its resourceVersions
 * are small counters, not etcd revisions; it serves no authentication or authorization; and
 * "compaction" is an explicit {@link FakeApiServer#compact()} (on the real server, {@link
 * KubeApiServer#compact()}: etcd compaction plus a restart, which empties the watch cache).
 */
@Tag("apiserver")
class ApiServerConformanceTest {
  static FakeApiServer fake;
  static KubeApiServer real;
  static ApiHttp fakeApi;
  static ApiHttp realApi;
  static int run;

  @BeforeAll
  static void start() throws Exception {
    fake = FakeApiServer.startOnRandomPort();
    fakeApi = ApiHttp.plain(fake.url());
  }

  /** The real server, started on first use: without one, the fake's half still runs first. */
  static ApiHttp real() throws Exception {
    if (real == null) {
      real = KubeApiServer.start(Files.createTempDirectory("clusternet-conformance-"));
      realApi = ApiHttp.of(real.admin());
    }
    return realApi;
  }

  @AfterAll
  static void stop() throws Exception {
    if (fake != null) fake.close();
    if (real != null) real.close();
  }

  interface Scenario {
    void run(ApiHttp api, Server server, List<String> seen) throws Exception;
  }

  /** What a scenario can do to the server beyond HTTP. */
  interface Server {
    void compact() throws Exception;
  }

  /**
   * Runs the scenario on both servers with fresh object names; both must see {@code expected}
   * (what the real server was seen to do). The fake runs first, so that without a real server
   * (the test then skips loudly, or fails under CLUSTERNET_CI=1) the fake is still checked.
   */
  static void bothSee(List<String> expected, Scenario scenario) throws Exception {
    List<String> onFake = new ArrayList<>();
    scenario.run(fakeApi, fake::compact, onFake);
    assertThat(onFake).as("the fake").containsExactlyElementsOf(expected);
    List<String> onReal = new ArrayList<>();
    scenario.run(real(), real::compact, onReal);
    assertThat(onReal).as("the real server").containsExactlyElementsOf(expected);
  }

  static String name(String base) {
    return base + "-" + (++run);
  }

  static Map<String, String> annotations(ApiHttp.Response node) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode a = node.json().path("metadata").path("annotations");
    for (Map.Entry<String, JsonNode> e : a.properties()) out.put(e.getKey(), e.getValue().asString());
    return out;
  }

  static List<String> addresses(ApiHttp.Response node) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : node.json().path("status").path("addresses")) {
      out.add(a.path("type").asString() + "=" + a.path("address").asString());
    }
    return out;
  }

  static String annotationPatch(String json) {
    return "{\"metadata\":{\"annotations\":" + json + "}}";
  }

  @Test
  void jsonPatchIntoAMissingParentIsInvalidAsIsAFailedTest() throws Exception {
    bothSee(List.of(
        "add into missing map: 422", "no annotations: {}",
        "add the map itself: 200", "annotations: {a=1}",
        "add into the map: 200", "annotations: {a=1, b=2}",
        "failed test: 422", "annotations: {a=1, b=2}"), (api, server, seen) -> {
      String n = name("jp");
      api.createNode(n, "192.0.2.1", List.of("10.244.0.0/24"), null);
      String path = "/api/v1/nodes/" + n;
      seen.add("add into missing map: " + api.patch(path, ApiHttp.JSON_PATCH,
          "[{\"op\":\"add\",\"path\":\"/metadata/annotations/a\",\"value\":\"1\"}]").code());
      seen.add("no annotations: " + annotations(api.get(path)));
      seen.add("add the map itself: " + api.patch(path, ApiHttp.JSON_PATCH,
          "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"1\"}}]").code());
      seen.add("annotations: " + annotations(api.get(path)));
      seen.add("add into the map: " + api.patch(path, ApiHttp.JSON_PATCH,
          "[{\"op\":\"add\",\"path\":\"/metadata/annotations/b\",\"value\":\"2\"}]").code());
      seen.add("annotations: " + annotations(api.get(path)));
      seen.add("failed test: " + api.patch(path, ApiHttp.JSON_PATCH,
          "[{\"op\":\"test\",\"path\":\"/metadata/annotations/a\",\"value\":\"other\"},"
              + "{\"op\":\"add\",\"path\":\"/metadata/annotations/c\",\"value\":\"3\"}]").code());
      seen.add("annotations: " + annotations(api.get(path)));
    });
  }

  @Test
  void mergeAndStrategicMergePatchesCreateAndMergeMaps() throws Exception {
    bothSee(List.of(
        "merge into no map: 200", "annotations: {a=1}",
        "merge more: 200", "annotations: {a=1, b=2}",
        "merge null removes: 200", "annotations: {b=2}",
        "strategic into no map: 200", "annotations: {c=3}",
        "strategic more: 200", "annotations: {c=3, d=4}",
        "strategic null removes: 200", "annotations: {d=4}"), (api, server, seen) -> {
      String n1 = name("mp");
      api.createNode(n1, "192.0.2.1", List.of("10.244.0.0/24"), null);
      String p1 = "/api/v1/nodes/" + n1;
      seen.add("merge into no map: " + api.patch(p1, ApiHttp.MERGE_PATCH,
          annotationPatch("{\"a\":\"1\"}")).code());
      seen.add("annotations: " + annotations(api.get(p1)));
      seen.add("merge more: " + api.patch(p1, ApiHttp.MERGE_PATCH,
          annotationPatch("{\"b\":\"2\"}")).code());
      seen.add("annotations: " + annotations(api.get(p1)));
      seen.add("merge null removes: " + api.patch(p1, ApiHttp.MERGE_PATCH,
          annotationPatch("{\"a\":null}")).code());
      seen.add("annotations: " + annotations(api.get(p1)));
      String n2 = name("smp");
      api.createNode(n2, "192.0.2.1", List.of("10.244.0.0/24"), null);
      String p2 = "/api/v1/nodes/" + n2;
      seen.add("strategic into no map: " + api.patch(p2, ApiHttp.STRATEGIC_MERGE_PATCH,
          annotationPatch("{\"c\":\"3\"}")).code());
      seen.add("annotations: " + annotations(api.get(p2)));
      seen.add("strategic more: " + api.patch(p2, ApiHttp.STRATEGIC_MERGE_PATCH,
          annotationPatch("{\"d\":\"4\"}")).code());
      seen.add("annotations: " + annotations(api.get(p2)));
      seen.add("strategic null removes: " + api.patch(p2, ApiHttp.STRATEGIC_MERGE_PATCH,
          annotationPatch("{\"c\":null}")).code());
      seen.add("annotations: " + annotations(api.get(p2)));
    });
  }

  @Test
  void addressesChangeOnlyThroughTheStatusSubresourceAndAMergePatchReplacesTheList()
      throws Exception {
    bothSee(List.of(
        "created: [InternalIP=192.0.2.10, Hostname=NODE]",
        "status via main resource: 200", "addresses: [InternalIP=192.0.2.10, Hostname=NODE]",
        "merge via status: 200", "addresses: [InternalIP=192.0.2.11]",
        "spec via status: 200", "unschedulable: false",
        "reset: 200",
        "strategic via status: 200", "addresses: [InternalIP=192.0.2.12, Hostname=NODE]",
        "PUT via main resource: 200", "addresses: [InternalIP=192.0.2.12, Hostname=NODE]"),
        (api, server, seen) -> {
          String n = name("st");
          String path = "/api/v1/nodes/" + n;
          ApiHttp.Response created = api.createNode(n, "192.0.2.10", List.of("10.244.0.0/24"),
              null);
          seen.add("created: " + addresses(created).toString().replace(n, "NODE"));
          seen.add("status via main resource: " + api.patch(path, ApiHttp.MERGE_PATCH,
              "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.0.2.99\"}]}}")
              .code());
          seen.add("addresses: " + addresses(api.get(path)).toString().replace(n, "NODE"));
          seen.add("merge via status: " + api.patch(path + "/status", ApiHttp.MERGE_PATCH,
              "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.0.2.11\"}]}}")
              .code());
          seen.add("addresses: " + addresses(api.get(path)));
          seen.add("spec via status: " + api.patch(path + "/status", ApiHttp.MERGE_PATCH,
              "{\"spec\":{\"unschedulable\":true}}").code());
          seen.add("unschedulable: " + api.get(path).json().path("spec").path("unschedulable")
              .asBoolean(false));
          seen.add("reset: " + api.patch(path + "/status", ApiHttp.MERGE_PATCH,
              "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.0.2.11\"},"
                  + "{\"type\":\"Hostname\",\"address\":\"" + n + "\"}]}}").code());
          seen.add("strategic via status: " + api.patch(path + "/status",
              ApiHttp.STRATEGIC_MERGE_PATCH,
              "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.0.2.12\"}]}}")
              .code());
          seen.add("addresses: " + addresses(api.get(path)).toString().replace(n, "NODE"));
          JsonNode node = api.get(path).json();
          String put = node.toString().replace("192.0.2.12", "192.0.2.13");
          seen.add("PUT via main resource: " + api.put(path, put).code());
          seen.add("addresses: " + addresses(api.get(path)).toString().replace(n, "NODE"));
        });
  }

  @Test
  void aStaleResourceVersionConflicts() throws Exception {
    bothSee(List.of(
        "merge with current version: 200", "merge with stale version: 409",
        "merge without version: 200",
        "PUT with stale version: 409", "PUT with current version: 200",
        "annotations: {a=1, b=2, c=3}"), (api, server, seen) -> {
      String n = name("rv");
      String path = "/api/v1/nodes/" + n;
      String rv0 = api.createNode(n, "192.0.2.1", List.of("10.244.0.0/24"), null)
          .resourceVersion();
      seen.add("merge with current version: " + api.patch(path, ApiHttp.MERGE_PATCH,
          "{\"metadata\":{\"resourceVersion\":\"" + rv0 + "\",\"annotations\":{\"a\":\"1\"}}}")
          .code());
      seen.add("merge with stale version: " + api.patch(path, ApiHttp.MERGE_PATCH,
          "{\"metadata\":{\"resourceVersion\":\"" + rv0 + "\",\"annotations\":{\"x\":\"1\"}}}")
          .code());
      seen.add("merge without version: " + api.patch(path, ApiHttp.MERGE_PATCH,
          annotationPatch("{\"b\":\"2\"}")).code());
      JsonNode current = api.get(path).json();
      String stale = current.toString().replace("\"resourceVersion\":\""
          + current.path("metadata").path("resourceVersion").asString() + "\"",
          "\"resourceVersion\":\"" + rv0 + "\"");
      seen.add("PUT with stale version: " + api.put(path, stale.replace("\"b\":\"2\"",
          "\"b\":\"2\",\"y\":\"1\"")).code());
      seen.add("PUT with current version: " + api.put(path, current.toString().replace(
          "\"b\":\"2\"", "\"b\":\"2\",\"c\":\"3\"")).code());
      seen.add("annotations: " + annotations(api.get(path)));
    });
  }

  @Test
  void aWatchResumesFromAVersionAndAnswers410OnceItIsCompacted() throws Exception {
    bothSee(List.of(
        "resumed: MODIFIED at the patch's version", "after compaction: ERROR 410 Expired",
        "from now: ADDED"), (api, server, seen) -> {
      String n = name("w");
      String path = "/api/v1/nodes/" + n;
      String rv1 = api.createNode(n, "192.0.2.1", List.of("10.244.0.0/24"), null)
          .resourceVersion();
      String rv2 = api.patch(path, ApiHttp.MERGE_PATCH, annotationPatch("{\"a\":\"1\"}")).ok()
          .resourceVersion();
      List<JsonNode> resumed = api.watch("/api/v1/nodes", rv1, 5, 1);
      JsonNode e = resumed.get(0);
      seen.add("resumed: " + e.path("type").asString()
          + (e.path("object").path("metadata").path("resourceVersion").asString().equals(rv2)
              ? " at the patch's version" : " at another version: " + e));
      server.compact();
      List<JsonNode> gone = api.watch("/api/v1/nodes", rv1, 5, 1);
      JsonNode g = gone.get(0);
      seen.add("after compaction: " + g.path("type").asString() + " "
          + g.path("object").path("code").asInt() + " "
          + g.path("object").path("reason").asString());
      List<JsonNode> fresh = api.watch("/api/v1/nodes", "", 5, 1);
      seen.add("from now: " + fresh.get(0).path("type").asString());
    });
  }
}
