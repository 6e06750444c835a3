package io.dynagate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A field-level diff {@code {"field":{"from":…,"to":…}}} of two non-secret views (a create has only
 * {@code to}, a delete only {@code from}). Nested objects are flattened to dotted names ({@code
 * auth.clientId}); arrays are compared whole. Timestamps of the row itself ({@code createdAt},
 * {@code updatedAt}) are left out: the record's {@code at} says when.
 *
 * <p>Secret fields appear only as {@code {"changed":true}} ({@link #secret}). As a second line of
 * defence, a field whose name is a known secret name never carries a value here, whatever view it
 * came from.
 */
public final class Changes {
  /** Field names that hold secret material anywhere in the admin API. */
  static final Set<String> SECRET_NAMES =
      Set.of(
          "clientSecret",
          "accessToken",
          "refreshToken",
          "privateKey",
          "key",
          "keyHash",
          "secret",
          "password",
          "verifier");

  private static final Set<String> IGNORED = Set.of("createdAt", "updatedAt");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode fields = NODES.objectNode();

  private Changes() {}

  /** No field changed (or none is worth naming). */
  public static Changes none() {
    return new Changes();
  }

  /** Every field of a new object, as {@code to}. */
  public static Changes created(JsonNode after) {
    return between(NullNode.getInstance(), after);
  }

  /** Every field of a removed object, as {@code from}. */
  public static Changes deleted(JsonNode before) {
    return between(before, NullNode.getInstance());
  }

  /** The fields that differ between two views; a null or missing view is an absent object. */
  public static Changes between(JsonNode before, JsonNode after) {
    boolean creating = before == null || before.isNull() || before.isMissingNode();
    boolean deleting = after == null || after.isNull() || after.isMissingNode();
    Map<String, JsonNode> from = flatten(creating ? null : before);
    Map<String, JsonNode> to = flatten(deleting ? null : after);
    Changes c = new Changes();
    Set<String> names = new TreeSet<>(from.keySet());
    names.addAll(to.keySet());
    for (String name : names) {
      JsonNode a = from.getOrDefault(name, NullNode.getInstance());
      JsonNode b = to.getOrDefault(name, NullNode.getInstance());
      if (a.equals(b)) {
        continue;
      }
      if (isSecretName(name)) {
        c.secret(name);
        continue;
      }
      ObjectNode change = NODES.objectNode();
      if (!creating) {
        change.set("from", a);
      }
      if (!deleting) {
        change.set("to", b);
      }
      c.fields.set(name, change);
    }
    return c;
  }

  /** Marks a secret field as written or removed, never with its value. */
  public Changes secret(String field) {
    fields.set(field, NODES.objectNode().put("changed", true));
    return this;
  }

  /** A single non-secret value that was set ({@code to} only), e.g. a count of a run. */
  public Changes to(String field, JsonNode value) {
    if (isSecretName(field)) {
      return secret(field);
    }
    fields.set(field, NODES.objectNode().set("to", value));
    return this;
  }

  /** A non-secret value that changed. */
  public Changes fromTo(String field, JsonNode from, JsonNode to) {
    if (isSecretName(field)) {
      return secret(field);
    }
    ObjectNode change = NODES.objectNode();
    change.set("from", from);
    change.set("to", to);
    fields.set(field, change);
    return this;
  }

  /** The diff as stored and returned; a copy. */
  public ObjectNode json() {
    return fields.deepCopy();
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  private static boolean isSecretName(String dotted) {
    int dot = dotted.lastIndexOf('.');
    return SECRET_NAMES.contains(dot < 0 ? dotted : dotted.substring(dot + 1));
  }

  private static Map<String, JsonNode> flatten(JsonNode node) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      flatten("", node, out);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (prefix.isEmpty() && IGNORED.contains(e.getKey())) {
        continue;
      }
      String name = prefix + e.getKey();
      if (e.getValue().isObject()) {
        flatten(name + ".", e.getValue(), out);
      } else if (!e.getValue().isNull()) {
        out.put(name, e.getValue());
      }
    }
  }
}
