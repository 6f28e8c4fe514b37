package dev.lanes.lifespan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Typed application state, filled by startup hooks and read by handlers, as Starlette's
 * {@code app.state} but keyed by type so reads need no casts. What a lifespan run puts lasts for
 * that run, as the state a Starlette lifespan yields: once its last server (or task worker) has
 * stopped, the state holds again what it held before the run started. Thread-safe.
 *
 * <pre>{@code
 * App.Builder b = App.builder();
 * AppState state = b.state();
 * b.onStartup(s -> s.put(Database.class, Database.open(url)))
 *  .onShutdown(s -> s.find(Database.class).ifPresent(Database::close)) // a failed start may not have put it
 *  .get("/users", req -> Response.json(state.get(Database.class).users()));
 * }</pre>
 */
public final class AppState {
  private final ConcurrentMap<Class<?>, Object> values = new ConcurrentHashMap<>();

  private AppState() {}

  public static AppState create() {
    return new AppState();
  }

  /** Stores {@code value} under its type, replacing any earlier one. */
  public <T> AppState put(Class<T> type, T value) {
    values.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(value, "value")));
    return this;
  }

  /** The value stored under {@code type}. @throws IllegalStateException if there is none */
  public <T> T get(Class<T> type) {
    return find(type).orElseThrow(() -> new IllegalStateException("no app state of type "
        + type.getName() + "; put it in an onStartup hook (present: "
        + values.keySet().stream().map(Class::getSimpleName).sorted().toList() + ")"));
  }

  /** The value stored under {@code type}, if any (shutdown hooks: a failed start may not have stored it). */
  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(values.get(type)).map(type::cast);
  }

  /** What it holds now, for {@link #restore} once a lifespan run ends. */
  Map<Class<?>, Object> snapshot() {
    return Map.copyOf(values);
  }

  /** Holds {@code before} again: what a lifespan run put or replaced is gone. */
  void restore(Map<Class<?>, Object> before) {
    values.keySet().retainAll(before.keySet());
    values.putAll(before);
  }
}
