package dev.lanes.internal.observe;

import dev.lanes.observe.LanesListener;
import java.time.Duration;

/**
 * Internal, not for users: one request on its way through the server, turned into
 * {@link LanesListener} events: the dispatcher starts it, the app names its route, the dispatcher
 * reports the status and the end of the body. Confined to the connection's event loop. When
 * nobody listens the server uses {@link #NONE}, whose methods do nothing and which costs no
 * allocation.
 *
 * <pre>{@code RequestTrace trace = instruments.startRequest("GET", "/items/1", System.nanoTime()); }</pre>
 */
public final class RequestTrace {
  /** The trace of every request when no listener is registered. */
  public static final RequestTrace NONE = new RequestTrace(null, "", 0);

  private final LanesListener listener; // null only in NONE
  private final String method;
  private final long startedAt;
  private String route = LanesListener.UNMATCHED;
  private boolean responded;

  private RequestTrace(LanesListener listener, String method, long startedAt) {
    this.listener = listener;
    this.method = method;
    this.startedAt = startedAt;
  }

  /**
   * Reports {@code requestStart}; durations count from {@code readAt} ({@link System#nanoTime}),
   * when the request was read. Never called with {@link LanesListener#NONE}.
   */
  public static RequestTrace start(LanesListener listener, String method, String path, long readAt) {
    listener.requestStart(method, path);
    return new RequestTrace(listener, method, readAt);
  }

  /** The router matched {@code route} (its name, e.g. {@code GET /items/{id}}). */
  public void routed(String route) {
    this.route = route;
  }

  /** The route's name as {@link #routed} set it, else {@value LanesListener#UNMATCHED}. */
  public String route() {
    return route;
  }

  /** The response head with {@code status} was written. */
  public void responded(int status) {
    if (listener != null && !responded) {
      responded(status, System.nanoTime());
    }
  }

  /** The response head with {@code status} was written at {@code now} ({@link System#nanoTime}). */
  public void responded(int status, long now) {
    if (listener != null && !responded) {
      responded = true;
      listener.requestEnd(route, method, status, Duration.ofNanos(now - startedAt));
    }
  }

  /**
   * The response head with {@code status} was written at {@code now} ({@link System#nanoTime}) and
   * its body ended with it (an in-memory body): both events, one duration.
   */
  public void respondedAndEnded(int status, long now) {
    if (listener != null && !responded) {
      responded = true;
      Duration d = Duration.ofNanos(now - startedAt);
      listener.requestEnd(route, method, status, d);
      listener.responseBodyEnd(route, method, true, d);
    }
  }

  /** The body ended; {@code completed} is false if it stopped early. */
  public void bodyEnded(boolean completed) {
    if (listener != null) {
      listener.responseBodyEnd(route, method, completed, elapsed());
    }
  }

  /** The client left before a response was written: reported as status 499, body not completed. */
  public void abandoned() {
    if (listener != null && !responded) {
      responded(499);
      bodyEnded(false);
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedAt);
  }
}
