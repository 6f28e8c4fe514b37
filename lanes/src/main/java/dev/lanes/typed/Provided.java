package dev.lanes.typed;

import java.util.Objects;

/**
 * A dependency's value with the cleanup that must follow it (FastAPI's {@code yield}
 * dependency). Cleanups run in reverse order of their values' creation, whatever the outcome:
 * after the response is sent (the default), or right after the handler returns
 * ({@link #closeAfterHandler()}); on validation errors, handler failures and client disconnects
 * too. A cleanup never waits for a lane token (see docs/typed.md): it runs on the thread that
 * finished the handler or on a virtual thread of its own.
 *
 * <pre>{@code return Provided.of(conn, () -> pool.release(conn)); }</pre>
 *
 * @param <T> the value's type
 */
public final class Provided<T> {
  /** When the cleanup runs. */
  public enum When { AFTER_RESPONSE, AFTER_HANDLER }

  private final T value;
  private final AutoCloseable cleanup;
  private final When when;

  private Provided(T value, AutoCloseable cleanup, When when) {
    this.value = Objects.requireNonNull(value, "value");
    this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    this.when = when;
  }

  /** {@code value}, with {@code cleanup} run after the response is sent. */
  public static <T> Provided<T> of(T value, AutoCloseable cleanup) {
    return new Provided<>(value, cleanup, When.AFTER_RESPONSE);
  }

  /**
   * This value with its cleanup run as soon as the handler returns, before the response is sent.
   * A value made from it must close so too: one cleaned up after the response fails the request.
   */
  public Provided<T> closeAfterHandler() {
    return new Provided<>(value, cleanup, When.AFTER_HANDLER);
  }

  public T value() {
    return value;
  }

  public AutoCloseable cleanup() {
    return cleanup;
  }

  public When when() {
    return when;
  }
}
