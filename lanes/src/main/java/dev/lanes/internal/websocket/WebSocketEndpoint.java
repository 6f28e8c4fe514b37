package dev.lanes.internal.websocket;

import dev.lanes.concurrency.Lane;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.websocket.AsyncWebSocketHandler;
import dev.lanes.websocket.BlockingWebSocketHandler;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.WebSocketClosedException;
import dev.lanes.websocket.WebSocketOptions;
import java.lang.System.Logger.Level;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket route as an ordinary GET endpoint, so routing, middleware and exception handlers
 * apply to the upgrade request as to any other. It checks the handshake headers (400, 426),
 * accepts the connection's {@link PendingUpgrade} with a session and answers 101; the connection
 * switches protocols when it writes that 101. A blocking handler's session runs as one task of
 * its lane, whose token is taken before the 101 is answered: a full lane fails the request with
 * the lane's refusal (503 + Retry-After), never an upgrade followed by a close.
 */
public final class WebSocketEndpoint implements AsyncHandler {
  private static final System.Logger LOG = System.getLogger(WebSocketEndpoint.class.getName());
  private static final Response SWITCHING = Response.status(101);

  private final WebSocketOptions options;
  private final BlockingWebSocketHandler blocking; // exactly one of the two
  private final AsyncWebSocketHandler async;
  private final String route;

  private WebSocketEndpoint(String route, WebSocketOptions options, BlockingWebSocketHandler blocking,
      AsyncWebSocketHandler async) {
    this.route = route;
    this.options = Objects.requireNonNull(options, "options");
    this.blocking = blocking;
    this.async = async;
  }

  /** {@code route} names the route in logs ({@code GET /ws/echo}). */
  public static WebSocketEndpoint blocking(String route, WebSocketOptions options, BlockingWebSocketHandler handler) {
    return new WebSocketEndpoint(route, options, Objects.requireNonNull(handler, "handler"), null);
  }

  public static WebSocketEndpoint async(String route, WebSocketOptions options, AsyncWebSocketHandler handler) {
    return new WebSocketEndpoint(route, options, null, Objects.requireNonNull(handler, "handler"));
  }

  /** The lane a blocking handler's sessions need, if this is a blocking endpoint. */
  public Optional<String> lane() {
    return blocking == null ? Optional.empty() : Optional.of(options.lane());
  }

  @Override
  public CompletionStage<Response> handle(Request req) {
    PendingUpgrade up = PendingUpgrade.of(req.scope()).orElseThrow(() -> new HttpException(426,
        "Upgrade Required: this is a WebSocket endpoint", Map.of("Upgrade", "websocket", "Connection", "Upgrade")));
    if (!req.header("sec-websocket-version").map(v -> v.strip().equals("13")).orElse(false)) {
      throw new HttpException(426, "Upgrade Required: WebSocket version 13",
          Map.of("Sec-WebSocket-Version", "13"));
    }
    if (!req.header("sec-websocket-key").map(WebSocketEndpoint::validKey).orElse(false)) {
      throw new HttpException(400, "Bad Request: Sec-WebSocket-Key must be 16 bytes in base64");
    }
    if (async != null) {
      if (!up.accept(new AsyncSession(req, options, route, async))) {
        throw new IllegalStateException("upgrade accepted twice");
      }
      return CompletableFuture.completedFuture(SWITCHING);
    }
    BlockingSession session = new BlockingSession(req, options, route);
    if (!up.accept(session)) {
      throw new IllegalStateException("upgrade accepted twice");
    }
    Lane lane = req.lanes().get(options.lane());
    CompletableFuture<Response> answer = new CompletableFuture<>();
    CompletableFuture<Void> task = lane.run(() -> {
      answer.complete(SWITCHING); // the token is held: now the 101 may go out
      run(session);
      return null;
    });
    session.runsAs(task); // the session's end cancels it if the handler is busy elsewhere
    task.whenComplete((v, e) -> {
      if (e != null) {
        answer.completeExceptionally(e); // refused before it started: 503 from the lane's refusal
      }
    });
    req.scope().onCancel(() -> task.cancel(true)); // client gone before the 101
    return answer;
  }

  /** RFC 6455 4.2.1: the key is a random 16-byte value in base64. */
  private static boolean validKey(String key) {
    try {
      return Base64.getDecoder().decode(key.strip()).length == 16;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private void run(BlockingSession session) throws InterruptedException {
    try {
      runOpened(session);
    } finally {
      session.handlerDone(); // a drain waits for this, not for the task's future, which a cancel completes early
    }
  }

  private void runOpened(BlockingSession session) throws InterruptedException {
    try {
      session.awaitOpen();
    } catch (WebSocketClosedException e) {
      return; // not upgraded (another answer, client gone): the token goes back now
    }
    try {
      blocking.session(session);
      session.close(CloseCodes.NORMAL, "");
    } catch (WebSocketClosedException e) {
      session.close(CloseCodes.NORMAL, ""); // the peer left or the session ended: nothing to report
    } catch (InterruptedException e) {
      // Cancelled: the session ended (the close below does nothing) or the server shuts down.
      session.close(CloseCodes.GOING_AWAY, "server shutting down");
      throw e;
    } catch (Exception | Error e) { // an Error (a failed assert) too: else the session stays open, unread
      LOG.log(Level.ERROR, "WebSocket handler of " + route + " failed; closing with 1011", e);
      session.close(CloseCodes.INTERNAL_ERROR, "internal error");
    }
  }
}
