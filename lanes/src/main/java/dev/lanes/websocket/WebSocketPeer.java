package dev.lanes.websocket;

import dev.lanes.http.Request;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The other end of one WebSocket, as something to send to: what both session kinds
 * ({@link WebSocket}, {@link AsyncWebSocket}) share, and what a {@link Broadcast} takes.
 * Safe to call from any thread.
 *
 * <pre>{@code peer.sendAsync(Message.text("hi")).thenRun(() -> log("written")); }</pre>
 */
public interface WebSocketPeer {
  /**
   * Queues {@code message} without waiting; the future completes once it is written, or fails
   * with {@link WebSocketClosedException} if the socket is closed first. Past the route's
   * {@link WebSocketOptions#maxQueuedBytes} of unwritten data the connection is closed (the peer
   * is not reading) instead of buffering more.
   */
  CompletableFuture<Void> sendAsync(Message message);

  /**
   * Starts the close handshake with {@code code} (see {@link CloseCodes}); idempotent. Takes
   * effect at once: from its return {@link #isOpen} is false and sends fail with
   * {@link WebSocketClosedException}, so no message goes out after the close frame. The code must
   * be one a server may send (RFC 6455 7.4): 1000-1003, 1007-1014 or 3000-4999, else
   * {@link IllegalArgumentException}; 1005, 1006 and 1015 are only ever reported. A
   * {@code reason} past the 123 bytes of UTF-8 a close frame holds is cut, at a character's end.
   */
  void close(int code, String reason);

  /** Whether messages may still be sent: not closed by either side, connection open. */
  boolean isOpen();

  /** The upgrade request: path parameters, query, headers. */
  Request request();

  /**
   * The subprotocol the 101 agreed on: the first of the client's {@code Sec-WebSocket-Protocol}
   * offers that the route's {@link WebSocketOptions#subprotocols} list, or its
   * {@link SubprotocolChoice}'s pick; empty if none.
   */
  default Optional<String> subprotocol() {
    return Optional.empty();
  }
}
