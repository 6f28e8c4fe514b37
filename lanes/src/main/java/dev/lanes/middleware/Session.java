package dev.lanes.middleware;

import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One client's session as {@link Sessions} keeps it: JSON values by key, stored in a signed
 * cookie, so the client can read it but not change it (keep secrets out of it). A changed session
 * is sent back with the response; an unchanged one is not (Starlette's {@code modified}). Thread-safe.
 *
 * <pre>{@code
 * Session session = Sessions.of(req);
 * session.put("cart", List.of("apple"));
 * List<?> cart = session.get("cart", List.class).orElse(List.of());
 * }</pre>
 */
public final class Session {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final ObjectNode values;
  private boolean accessed; // Sessions.of was called: the response depends on the cookie
  private boolean modified; // put, remove of a present key, clear: the cookie must be sent again

  Session(ObjectNode values) {
    this.values = values;
  }

  /** What {@link Sessions} sends back, read at once so a change on another thread cannot split it. */
  record State(boolean accessed, boolean modified, byte[] json) {}

  synchronized void markAccessed() {
    accessed = true;
  }

  /** Whether it was read, whether it changed, and its JSON (null when empty). */
  synchronized State state() {
    return new State(accessed, modified, values.isEmpty() ? null : toJson());
  }

  /** The value stored under {@code key} as text (a number or boolean as written), if any. */
  public synchronized Optional<String> get(String key) {
    JsonNode v = values.get(Objects.requireNonNull(key, "key"));
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.isValueNode() ? v.asText() : v.toString());
  }

  /**
   * The value stored under {@code key} read as {@code type}, if any: a copy ({@code put} it
   * back to change it), a {@code JsonNode} too.
   *
   * @throws IllegalArgumentException if it does not read as {@code type}
   */
  public synchronized <T> Optional<T> get(String key, Class<T> type) {
    JsonNode v = values.get(Objects.requireNonNull(key, "key"));
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    try {
      // Jackson hands a JsonNode type the session's own node: a copy keeps changes to it out of
      // reach of the lock (and of what counts as a change), as any other type's value is
      return Optional.of(JSON.treeToValue(TreeNode.class.isAssignableFrom(type) ? v.deepCopy() : v, type));
    } catch (Exception e) {
      throw new IllegalArgumentException("session value '" + key + "' does not read as " + type.getName(), e);
    }
  }

  /**
   * Stores {@code value} (anything Jackson writes as JSON) under {@code key}.
   *
   * @throws IllegalArgumentException if it cannot be written as JSON
   */
  public synchronized Session put(String key, Object value) {
    Objects.requireNonNull(key, "key");
    try {
      values.set(key, JSON.valueToTree(Objects.requireNonNull(value, "value")));
      modified = true;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("session value '" + key + "' cannot be written as JSON: " + e.getMessage(), e);
    }
    return this;
  }

  /** Removes {@code key}. */
  public synchronized Session remove(String key) {
    if (values.remove(Objects.requireNonNull(key, "key")) != null) {
      modified = true;
    }
    return this;
  }

  /** Removes every key (logging out): the cookie is then deleted. */
  public synchronized Session clear() {
    values.removeAll();
    modified = true;
    return this;
  }

  public synchronized boolean isEmpty() {
    return values.isEmpty();
  }

  /** The keys, in the order stored. */
  public synchronized List<String> keys() {
    List<String> keys = new ArrayList<>(values.size());
    values.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** The session as the cookie carries it. */
  synchronized byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(values);
    } catch (Exception e) {
      throw new IllegalStateException("session cannot be written as JSON", e);
    }
  }

  /** A session read from cookie JSON; empty if it is not a JSON object. */
  static Session fromJson(byte[] json) {
    try {
      JsonNode tree = JSON.readTree(json);
      if (tree instanceof ObjectNode object) {
        return new Session(object);
      }
    } catch (Exception notJson) {
      // a signed cookie always holds an object; anything else starts empty
    }
    return empty();
  }

  static Session empty() {
    return new Session(JSON.createObjectNode());
  }

  @Override
  public synchronized String toString() {
    return "Session" + keys();
  }
}
