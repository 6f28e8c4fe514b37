package dev.lanes.concurrency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * A cancellable region of work with an optional deadline (anyio's {@code CancelScope},
 * {@code move_on_after}). Work registers what to do on cancellation — cancel a future, interrupt a
 * thread, close a socket — and blocking code can poll {@link #isCancelled()}. Cancelling runs each
 * callback once, outside any lock; a callback registered after cancellation runs at once.
 *
 * <pre>{@code
 * try (CancelScope scope = CancelScope.withTimeout(Duration.ofSeconds(2))) {
 *   CompletableFuture<Row> row = db.run(() -> query());
 *   scope.onCancel(() -> row.cancel(true));
 *   return row.join();
 * }
 * }</pre>
 */
public final class CancelScope implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CancelScope.class.getName());

  // A request's scope gets one callback (its handler's thread), so the first is a field and a
  // list is made only for a second.
  private Runnable first;
  private List<Runnable> more;
  private final Optional<Duration> timeout;
  private ScheduledFuture<?> timer;
  private boolean cancelled;
  private boolean closed;
  private volatile boolean deadlinePassed;

  private CancelScope(Optional<Duration> timeout) {
    this.timeout = timeout;
  }

  /** A scope cancelled only by {@link #cancel()}. */
  public static CancelScope open() {
    return new CancelScope(Optional.empty());
  }

  /**
   * A scope that cancels itself after {@code timeout}; its callbacks then run on a virtual thread
   * of their own ({@code lanes-timeout}).
   */
  public static CancelScope withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    CancelScope scope = new CancelScope(Optional.of(timeout));
    scope.timer = DelayScheduler.schedule(timeout, () -> {
      scope.deadlinePassed = true;
      scope.cancel();
    });
    return scope;
  }

  /** The timeout this scope was opened with, if any. */
  public Optional<Duration> timeout() {
    return timeout;
  }

  /** Registers work to undo on cancellation; runs it now if already cancelled. */
  public void onCancel(Runnable callback) {
    synchronized (this) {
      if (!cancelled) {
        if (closed) {
          return;
        }
        if (first == null) {
          first = callback;
        } else {
          if (more == null) {
            more = new ArrayList<>(2);
          }
          more.add(callback);
        }
        return;
      }
    }
    Error e = run(callback);
    if (e != null) {
      throw e;
    }
  }

  /** Cancels the scope; idempotent, and a no-op once closed. */
  public void cancel() {
    Runnable one;
    List<Runnable> rest;
    synchronized (this) {
      if (cancelled || closed) {
        return;
      }
      cancelled = true;
      one = first;
      rest = more == null ? List.of() : List.copyOf(more);
      first = null;
      more = null;
    }
    // An Error from one callback is rethrown once all have run: each still runs once.
    Error error = one == null ? null : run(one);
    for (Runnable callback : rest) {
      Error e = run(callback);
      if (error == null) {
        error = e;
      }
    }
    if (error != null) {
      throw error;
    }
  }

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Whether it was the deadline, not an explicit {@link #cancel()}, that cancelled the scope. */
  public boolean deadlinePassed() {
    return deadlinePassed;
  }

  /** Ends the scope: its deadline is disarmed and pending callbacks are dropped. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      first = null;
      more = null;
    }
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Runs {@code callback}; logs what it throws, and returns it if it is an Error. */
  private static Error run(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cancel callback failed", e);
    } catch (Error e) {
      return e;
    }
    return null;
  }
}
