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
 * <p>A cleanup that must know whether the request failed (commit or roll back) is given the
 * failure, as FastAPI throws the endpoint's exception into a {@code yield} dependency:
 *
 * <pre>{@code return Provided.withOutcome(tx, failure -> { if (failure == null) tx.commit(); else tx.rollback(); }); }</pre>
 *
 * <p>An {@link dev.lanes.http.HttpException} thrown by a cleanup run when the handler returns
 * ({@link #closeAfterHandler()}) is the answer, in place of the handler's failure or response (FastAPI's
 * {@code yield} dependency raising {@code HTTPException}); the older cleanups are told it. An
 * {@code Error} (a failed assertion) replaces it so too, answered 500. What an after-response cleanup
 * throws is logged: the answer is sent (an {@code Error} is rethrown once the older ones have run).
 * Whatever a cleanup throws, the older ones still run.
 *
 * @param <T> the value's type
 */
public final class Provided<T> {
  /** When the cleanup runs. */
  public enum When { AFTER_RESPONSE, AFTER_HANDLER }

  /**
   * A cleanup told how the handling it served ended.
   *
   * <pre>{@code failure -> { if (failure == null) tx.commit(); else tx.rollback(); } }</pre>
   */
  @FunctionalInterface
  public interface Exit {
    /**
     * Cleans up.
     *
     * @param failure null if the handler returned and its result became a response; otherwise what
     *     failed: the handler's exception (an {@code HttpException} too), an async handler's
     *     failed or cancelled stage (a {@link java.util.concurrent.CancellationException} when the
     *     client left or a deadline passed), or what failed after this value was made and before
     *     the handler ran (a later dependency, a {@link RequestValidationException}), or the
     *     {@code HttpException} or {@code Error} a newer after-handler cleanup replaced it with
     * @throws Exception logged; an {@code HttpException} (or an {@code Error}) from an after-handler
     *     cleanup is the answer instead. Whatever it throws, an {@code Error} too, the older cleanups still run
     */
    void close(Throwable failure) throws Exception;
  }

  private final T value;
  private final Exit exit;
  private final AutoCloseable cleanup;
  private final When when;

  private Provided(T value, Exit exit, AutoCloseable cleanup, When when) {
    this.value = Objects.requireNonNull(value, "value");
    this.exit = exit;
    this.cleanup = cleanup;
    this.when = when;
  }

  /** {@code value}, with {@code cleanup} run after the response is sent. */
  public static <T> Provided<T> of(T value, AutoCloseable cleanup) {
    Objects.requireNonNull(cleanup, "cleanup");
    return new Provided<>(value, failure -> cleanup.close(), cleanup, When.AFTER_RESPONSE);
  }

  /**
   * {@code value}, with {@code exit} run after the response is sent and told whether the handling
   * failed (FastAPI's {@code try: yield tx / except: tx.rollback(); raise}). A factory of its
   * own rather than an overload of {@link #of}, so that a method reference stays unambiguous.
   */
  public static <T> Provided<T> withOutcome(T value, Exit exit) {
    Objects.requireNonNull(exit, "exit");
    return new Provided<>(value, exit, () -> exit.close(null), When.AFTER_RESPONSE);
  }

  /**
   * This value with its cleanup run as soon as the handler returns, before the response is sent.
   * A value made from it must close so too: one cleaned up after the response fails the request.
   */
  public Provided<T> closeAfterHandler() {
    return new Provided<>(value, exit, cleanup, When.AFTER_HANDLER);
  }

  public T value() {
    return value;
  }

  /** The cleanup, run as if the handling succeeded (a {@link #withOutcome} exit is told no failure). */
  public AutoCloseable cleanup() {
    return cleanup;
  }

  /** The cleanup as the typed layer runs it, told the outcome. */
  public Exit exit() {
    return exit;
  }

  public When when() {
    return when;
  }
}
