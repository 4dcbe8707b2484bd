package io.clusternet.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.mesh.Exclusion;

/**
 * {@link ClusterNetStatus} as JSON, for {@code status --json} and {@code status.json}. Fields:
 * {@code node, interface, mode, publicKey, listenPort, health {running, informerSynced,
 * deviceUp, keyPublished, healthy, lastError}, deviceWrites, repairs, peers [{node (absent for a
 * stray peer), publicKey, endpoint, allowedIps [], latestHandshakeSecondsAgo, receiveBytes,
 * transmitBytes, note}], excluded [{node, reason, detail}]}; absent values are left out. Values
 * from the API server are JSON-escaped, not cut. No private key is part of the status.
 */
final class StatusJson {
  private StatusJson() {}

  static String of(ClusterNetStatus s) {
    JsonObject o = new JsonObject();
    o.addProperty("node", s.nodeName());
    o.addProperty("interface", s.interfaceName());
    o.addProperty("mode", s.mode());
    if (s.publicKey() != null) o.addProperty("publicKey", s.publicKey().toBase64());
    o.addProperty("listenPort", s.listenPort());
    JsonObject h = new JsonObject();
    h.addProperty("running", s.health().running());
    h.addProperty("informerSynced", s.health().informerSynced());
    h.addProperty("deviceUp", s.health().deviceUp());
    h.addProperty("keyPublished", s.health().keyPublished());
    h.addProperty("healthy", s.health().isHealthy());
    s.health().lastError().ifPresent(e -> h.addProperty("lastError", e));
    o.add("health", h);
    o.addProperty("deviceWrites", s.writes());
    o.addProperty("repairs", s.repairs());
    JsonArray peers = new JsonArray();
    for (ClusterNetStatus.Peer p : s.peers()) {
      JsonObject j = new JsonObject();
      p.nodeName().ifPresent(n -> j.addProperty("node", n));
      j.addProperty("publicKey", p.publicKey().toBase64());
      p.endpoint().ifPresent(e -> j.addProperty("endpoint", e.toString()));
      JsonArray ips = new JsonArray();
      p.allowedIps().forEach(ip -> ips.add(ip.toString()));
      j.add("allowedIps", ips);
      p.handshakeAge().ifPresent(a -> j.addProperty("latestHandshakeSecondsAgo", a.getSeconds()));
      j.addProperty("receiveBytes", p.receiveBytes());
      j.addProperty("transmitBytes", p.transmitBytes());
      p.note().ifPresent(n -> j.addProperty("note", n));
      peers.add(j);
    }
    o.add("peers", peers);
    JsonArray excluded = new JsonArray();
    for (Exclusion e : s.excluded()) {
      JsonObject j = new JsonObject();
      j.addProperty("node", e.nodeName());
      j.addProperty("reason", e.reason().name());
      j.addProperty("detail", e.detail());
      excluded.add(j);
    }
    o.add("excluded", excluded);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
  }
}
