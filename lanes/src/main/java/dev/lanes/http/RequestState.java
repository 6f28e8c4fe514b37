package dev.lanes.http;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Values one request carries from middleware to its handler (Starlette's {@code request.state}),
 * keyed by type as {@code AppState} is, so reads need no casts. One per request, shared by the
 * copies middleware makes of it ({@code withScheme}, ...). Thread-safe.
 *
 * <pre>{@code
 * Middleware auth = next -> req -> { req.state().put(User.class, users.of(req)); return next.call(req); };
 * app.get("/me", req -> Response.json(req.state().get(User.class)));
 * }</pre>
 */
public final class RequestState {
  private final ConcurrentMap<Class<?>, Object> values = new ConcurrentHashMap<>(4);

  RequestState() {}

  /** Stores {@code value} under its type, replacing any earlier one. */
  public <T> RequestState put(Class<T> type, T value) {
    values.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(value, "value")));
    return this;
  }

  /**
   * The value stored under {@code type}, or, if there is none, {@code create}'s, stored first: one
   * value however many threads ask at once ({@code create} must be quick and not use this state).
   *
   * <pre>{@code AuditLog log = req.state().computeIfAbsent(AuditLog.class, AuditLog::new); }</pre>
   */
  public <T> T computeIfAbsent(Class<T> type, Supplier<? extends T> create) {
    Objects.requireNonNull(create, "create");
    return type.cast(values.computeIfAbsent(Objects.requireNonNull(type, "type"),
        k -> Objects.requireNonNull(create.get(), "value")));
  }

  /** The value stored under {@code type}. @throws IllegalStateException if there is none */
  public <T> T get(Class<T> type) {
    return find(type).orElseThrow(() -> new IllegalStateException("no request state of type " + type.getName()
        + " (middleware puts it; present: " + values.keySet().stream().map(Class::getSimpleName).sorted().toList() + ")"));
  }

  /** The value stored under {@code type}, if any. */
  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(values.get(type)).map(type::cast);
  }
}
