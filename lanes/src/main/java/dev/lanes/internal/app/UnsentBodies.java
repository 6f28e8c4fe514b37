package dev.lanes.internal.app;

import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.http.BodySource;
import java.util.concurrent.CompletableFuture;

/**
 * Produced bodies ({@link ResponseBody.Written}: a streamed iterator, an event source) built for
 * a request and never sent have their source closed when the exchange ends. A response can be
 * built and then dropped on many paths the exchange never sees: middleware or an exception
 * handler answered with another, the deadline answered 504 first, the client left before the
 * handler returned (its lane's future then drops the value), a typed route's after-handler
 * cleanup answered instead (the typed layer calls {@link #close} on it at once). Each response a
 * handler or a middleware layer returns is registered with the request's scope; when the scope
 * closes, a body whose writer never ran is abandoned, once ({@link BodySource}), in its lane, as
 * closing a source (a cursor, a file) may block. The body that was sent is closed by its producer.
 * A {@link ResponseBody.Published} body holds nothing until subscribed, so it needs no closing.
 *
 * <pre>{@code return UnsentBodies.track(req, response); }</pre>
 */
public final class UnsentBodies {
  private UnsentBodies() {}

  /** {@code response}, its produced body (if any) closed when the request's scope ends unless it was sent. */
  static Response track(Request req, Response response) {
    if (response != null && response.body() instanceof ResponseBody.Written w) {
      req.scope().onClose(() -> close(req.lanes(), w));
    }
    return response;
  }

  /**
   * Closes {@code w}'s source unless its writer ran or was abandoned already: in its lane, or
   * here when there is none or it refuses the task (full, shutting down).
   */
  public static void close(Lanes lanes, ResponseBody.Written w) {
    if (!(w.writer() instanceof BodySource source) || !source.untouched()) {
      return; // sent (its producer closes it) or closed already: nearly every body at its scope's end
    }
    Lane lane = lanes == null ? null : lanes.find(w.lane()).orElse(null);
    if (lane == null) {
      source.abandon();
      return;
    }
    CompletableFuture<Void> closing;
    try {
      closing = lane.execute(source::abandon);
    } catch (RuntimeException e) {
      source.abandon();
      return;
    }
    closing.whenComplete((v, e) -> {
      if (e != null) {
        source.abandon(); // refused or cancelled before it ran (a failed close is logged by the writer)
      }
    });
  }
}
