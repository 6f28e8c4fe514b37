package dev.lanes.http;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifetime of one request: cleanups registered here (temporary upload files, for instance)
 * run exactly once when the exchange ends — after the response is sent, on error, or when the
 * client disconnects. A scope ended by a disconnect or deadline is {@linkplain #isCancelled
 * cancelled}, which blocking code can poll.
 *
 * <pre>{@code req.scope().onClose(() -> Files.deleteIfExists(tmp)); }</pre>
 */
public final class RequestScope {
  private static final Logger LOG = LoggerFactory.getLogger(RequestScope.class);

  private List<Runnable> onClose; // allocated on first use: most requests register nothing
  private boolean closed;
  private volatile boolean cancelled;

  private RequestScope() {}

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

  /** Whether the request was abandoned (client gone, deadline passed). */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Marks the request abandoned and ends the scope. */
  public void cancel() {
    cancelled = true;
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
    for (int i = toRun.size() - 1; i >= 0; i--) {
      run(toRun.get(i));
    }
  }

  private static void run(Runnable cleanup) {
    try {
      cleanup.run();
    } catch (RuntimeException e) {
      LOG.warn("request cleanup failed", e);
    }
  }
}
