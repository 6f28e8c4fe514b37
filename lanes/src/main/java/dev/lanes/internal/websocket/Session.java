package dev.lanes.internal.websocket;

import dev.lanes.http.Request;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.SubprotocolChoice;
import dev.lanes.websocket.WebSocketClosedException;
import dev.lanes.websocket.WebSocketOptions;
import dev.lanes.websocket.WebSocketPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What both session kinds share: the upgrade request, the route's options, and the
 * {@link FrameHandler} of the connection once the 101 is out. The frame handler calls the
 * {@code on*} methods on the connection's event loop.
 */
public abstract sealed class Session implements WebSocketPeer permits BlockingSession, AsyncSession {
  private final Request request;
  private final WebSocketOptions options;
  private final String route;
  private final String subprotocol; // null: none agreed
  volatile FrameHandler frames; // set on the loop once the pipeline switched
  private final CompletableFuture<Void> handlerEnded = new CompletableFuture<>();

  Session(Request request, WebSocketOptions options, String route) {
    this.request = request;
    this.options = options;
    this.route = route;
    this.subprotocol = select(request, options);
  }

  /**
   * RFC 6455 4.2.2: the route's choice among the client's offers, or else the first offer, in
   * the client's order of preference, that the route's list names; never one the client did not
   * offer. The header may be repeated (RFC 6455 11.3.4).
   */
  private static String select(Request request, WebSocketOptions options) {
    SubprotocolChoice choice = options.subprotocolChoice();
    if (choice == null && options.subprotocols().isEmpty()) {
      return null;
    }
    List<String> offered = new ArrayList<>();
    for (String line : request.headers().all("sec-websocket-protocol")) {
      for (String offer : line.split(",")) {
        String name = offer.strip();
        if (!name.isEmpty()) {
          offered.add(name);
        }
      }
    }
    if (choice == null) {
      return offered.stream().filter(options.subprotocols()::contains).findFirst().orElse(null);
    }
    String chosen = choice.choose(request, List.copyOf(offered)).orElse(null);
    if (chosen != null && !offered.contains(chosen)) {
      throw new IllegalStateException("the route chose subprotocol '" + chosen + "', which the client did not offer "
          + offered + " (RFC 6455 4.1 makes the client fail the connection)");
    }
    return chosen;
  }

  public WebSocketOptions options() {
    return options;
  }

  /** The route's name, for logs. */
  String route() {
    return route;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Optional<String> subprotocol() {
    return Optional.ofNullable(subprotocol);
  }

  @Override
  public CompletableFuture<Void> sendAsync(Message message) {
    FrameHandler f = frames;
    if (f == null || !isOpen()) {
      return CompletableFuture.failedFuture(closed());
    }
    return f.send(message);
  }

  @Override
  public void close(int code, String reason) {
    FrameHandler f = frames;
    if (f != null) {
      f.close(code, reason);
    }
  }

  @Override
  public boolean isOpen() {
    FrameHandler f = frames;
    return f != null && f.isOpen();
  }

  WebSocketClosedException closed() {
    FrameHandler f = frames;
    return f == null ? new WebSocketClosedException(CloseCodes.ABNORMAL, "not open") : f.closedException();
  }

  /**
   * Completes once the handler will run no more for this session: a blocking handler returned (or
   * never started: no upgrade), an async one's {@code onClose} returned (or it never opened). A
   * server's drain waits for it.
   */
  public CompletableFuture<Void> handlerEnded() {
    return handlerEnded;
  }

  /** The handler runs no more for this session; later calls do nothing. */
  void handlerDone() {
    handlerEnded.complete(null);
  }

  /** On the loop: the 101 is written and {@code frames} carries this session's frames. */
  void opened(FrameHandler frames) {
    this.frames = frames;
  }

  /** The upgrade never happened (another answer than 101, client gone, handshake failed). */
  public abstract void notOpened(Throwable cause);

  /** On the loop: the next message, in the peer's order. */
  abstract void onMessage(Message message);

  /** On the loop, once: no more messages will come. */
  abstract void onEnded(int code, String reason);

  /** On the loop: the socket's writability changed. */
  void onWritabilityChanged() {}

  /**
   * How many messages the handler has taken so far: whether a session whose reading is paused
   * (only a blocking one pauses) makes progress.
   */
  long messagesTaken() {
    return 0;
  }
}
