package io.clusternet.testing.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The three patch kinds of the Kubernetes API, strict where the real server is: JSON patch (RFC
 * 6902; a missing parent or a failed {@code test} is an error), JSON merge patch (RFC 7386) and
 * the strategic merge patch as far as Nodes need it (maps merge, null deletes, and the lists
 * {@code status.addresses} and {@code status.conditions} merge by {@code type}; every other
 * list is replaced, and {@code $patch} directives are not supported).
 */
final class JsonPatches {
  private JsonPatches() {}

  /** A patch that cannot be applied (the real server answers 422). */
  static final class PatchException extends RuntimeException {
    PatchException(String message) {
      super(message);
    }
  }

  /** Lists a strategic merge patch merges by a key: their path from the root, and the key. */
  private static final Map<String, String> MERGE_KEYS = Map.of(
      "/status/addresses", "type",
      "/status/conditions", "type");

  /** RFC 6902 on a copy of {@code target}. */
  static JsonNode apply(JsonNode target, JsonNode ops) {
    if (!ops.isArray()) throw new PatchException("a JSON patch must be an array of operations");
    JsonNode doc = target.deepCopy();
    for (JsonNode op : ops) {
      String name = op.path("op").asString("");
      String path = op.path("path").asString(null);
      if (path == null) throw new PatchException("operation " + op + " has no path");
      switch (name) {
        case "add" -> doc = add(doc, path, value(op));
        case "remove" -> doc = remove(doc, path);
        case "replace" -> {
          get(doc, path);
          doc = add(remove(doc, path), path, value(op));
        }
        case "move" -> {
          String from = from(op);
          JsonNode v = get(doc, from);
          doc = add(remove(doc, from), path, v);
        }
        case "copy" -> doc = add(doc, path, get(doc, from(op)).deepCopy());
        case "test" -> {
          if (!get(doc, path).equals(value(op))) {
            throw new PatchException("testing value " + path + " failed");
          }
        }
        default -> throw new PatchException("unexpected operation " + op);
      }
    }
    return doc;
  }

  private static JsonNode value(JsonNode op) {
    if (!op.has("value")) throw new PatchException("operation " + op + " has no value");
    return op.get("value").deepCopy();
  }

  private static String from(JsonNode op) {
    String from = op.path("from").asString(null);
    if (from == null) throw new PatchException("operation " + op + " has no from");
    return from;
  }

  private static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) return List.of();
    if (!pointer.startsWith("/")) throw new PatchException("bad JSON pointer " + pointer);
    List<String> out = new ArrayList<>();
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String pointer) {
    JsonNode n = doc;
    for (String t : tokens(pointer)) {
      n = child(n, t, pointer);
      if (n == null) throw new PatchException("missing value at " + pointer);
    }
    return n;
  }

  private static JsonNode child(JsonNode n, String token, String pointer) {
    if (n.isObject()) return n.get(token);
    if (n.isArray()) {
      int i = index(token, n.size() - 1, pointer);
      return n.get(i);
    }
    return null;
  }

  private static int index(String token, int max, String pointer) {
    try {
      int i = Integer.parseInt(token);
      if (i < 0 || i > max || (token.length() > 1 && token.startsWith("0"))) {
        throw new PatchException("index out of range at " + pointer);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new PatchException("bad array index " + token + " at " + pointer);
    }
  }

  private static JsonNode parentOf(JsonNode doc, String pointer, List<String> tokens) {
    JsonNode parent = doc;
    for (String t : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, t, pointer);
      if (parent == null) {
        throw new PatchException("doc is missing path: \"" + pointer + "\": missing value");
      }
    }
    return parent;
  }

  private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) return value;
    JsonNode parent = parentOf(doc, pointer, t);
    String last = t.get(t.size() - 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) a.add(value); else a.insert(index(last, a.size(), pointer), value);
    } else {
      throw new PatchException("doc is missing path: \"" + pointer + "\": missing value");
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String pointer) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) throw new PatchException("cannot remove the whole document");
    JsonNode parent = parentOf(doc, pointer, t);
    String last = t.get(t.size() - 1);
    if (parent instanceof ObjectNode o && o.has(last)) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a) {
      a.remove(index(last, a.size() - 1, pointer));
    } else {
      throw new PatchException("unable to remove nonexistent key: " + last + ": missing value");
    }
    return doc;
  }

  /**
   * RFC 7386 (or, with {@code strategic}, the strategic merge patch as described above) of
   * {@code patch} onto a copy of {@code target}; {@code path} is where {@code target} sits.
   */
  static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic, String path) {
    if (!patch.isObject()) {
      if (strategic && patch.isArray() && target != null && target.isArray()
          && MERGE_KEYS.containsKey(path)) {
        return mergeList((ArrayNode) target, (ArrayNode) patch, MERGE_KEYS.get(path));
      }
      return patch.deepCopy();
    }
    ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue(), strategic,
            path + "/" + e.getKey()));
      }
    }
    return out;
  }

  /** Items of the patch replace (merged) or join the original's items with the same key. */
  private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, String key) {
    ArrayNode out = original.deepCopy();
    for (JsonNode item : patch) {
      String k = item.path(key).asString("");
      int found = -1;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).path(key).asString("").equals(k)) {
          found = i;
          break;
        }
      }
      if (found >= 0) {
        out.set(found, merge(out.get(found), item, true, ""));
      } else {
        out.add(item.deepCopy());
      }
    }
    return out;
  }
}
