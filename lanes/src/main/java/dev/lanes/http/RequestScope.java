package dev.lanes.http;

import dev.lanes.concurrency.CancelScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifetime of one request: cleanups registered here (temporary upload files, for instance)
 * run exactly once when the exchange ends — after the response is sent, on error, or when the
 * client disconnects. Abandoning the request (disconnect, deadline) cancels its
 * {@link CancelScope}, which stops the work registered with {@link #onCancel} and which blocking
 * code can poll with {@link #isCancelled()}.
 *
 * <pre>{@code req.scope().onClose(() -> Files.deleteIfExists(tmp)); }</pre>
 */
public final class RequestScope {
  private static final System.Logger LOG = System.getLogger(RequestScope.class.getName());

  private final CancelScope cancellation = CancelScope.open();
  private List<Runnable> onClose; // allocated on first use: most requests register nothing
  private boolean closed;
  private RequestState state; // allocated on first use: most requests carry none

  private RequestScope() {}

  /** The request's state (see {@link Request#state()}), one per scope. */
  synchronized RequestState state() {
    if (state == null) {
      state = new RequestState();
    }
    return state;
  }

  public static RequestScope create() {
    return new RequestScope();
  }

  /** Registers a cleanup; if the scope has already ended it runs now. */
  public void onClose(Runnable cleanup) {
    synchronized (this) {
      if (!closed) {
        if (onClose == null) {
          onClose = new ArrayList<>(2);
        }
        onClose.add(cleanup);
        return;
      }
    }
    run(cleanup);
  }

  /**
   * Registers what to stop if the request is abandoned — the framework registers the handler's
   * own future here, so cancellation reaches it even through middleware that wraps the future.
   * Runs now if already cancelled; dropped once the scope closes normally.
   */
  public void onCancel(Runnable action) {
    cancellation.onCancel(action);
  }

  /** Whether cleanups are registered and not yet run. */
  public synchronized boolean hasCleanups() {
    return onClose != null && !closed;
  }

  /** Whether the request was abandoned (client gone, deadline passed). */
  public boolean isCancelled() {
    return cancellation.isCancelled();
  }

  /** Marks the request abandoned, stops its registered work, and ends the scope. */
  public void cancel() {
    cancellation.cancel();
    close();
  }

  /** Ends the scope, running cleanups in reverse order of registration. Idempotent. */
  public void close() {
    List<Runnable> toRun;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toRun = onClose == null ? List.of() : List.copyOf(onClose);
      onClose = null;
    }
    cancellation.close();
    for (int i = toRun.size() - 1; i >= 0; i--) {
      run(toRun.get(i));
    }
  }

  private static void run(Runnable cleanup) {
    try {
      cleanup.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "request cleanup failed", e);
    }
  }
}
