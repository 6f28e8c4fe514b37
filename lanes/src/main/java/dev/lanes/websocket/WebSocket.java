package dev.lanes.websocket;

/**
 * A WebSocket session owned by one {@link BlockingWebSocketHandler}, on a virtual thread of its
 * route's lane: {@link #receive()} blocks for the next message, the sends block while the socket
 * is not writable (at most {@link WebSocketOptions#sendTimeout}, then the connection is closed).
 * Messages arrive in the order the peer sent them. Meant for the handler's thread; only
 * {@link #sendAsync} and {@link #close} may be called from others.
 *
 * <pre>{@code
 * app.websocket("/ws/echo", ws -> {
 *   while (true) {
 *     ws.send(ws.receive());   // throws WebSocketClosedException once the peer leaves
 *   }
 * });
 * }</pre>
 */
public interface WebSocket extends WebSocketPeer {
  /**
   * The next message, waiting as long as it takes. Throws {@link WebSocketClosedException} once
   * the session has ended (close frame, disconnect, dead peer), and {@link InterruptedException}
   * if the session's lane task is cancelled (server shutdown). Messages that arrived before the
   * end are returned first, even to a handler whose task was cancelled.
   */
  Message receive() throws WebSocketClosedException, InterruptedException;

  /** Sends {@code message}, blocking while the socket is not writable. */
  void send(Message message) throws WebSocketClosedException, InterruptedException;

  /** Sends a text message; see {@link #send}. */
  default void sendText(String text) throws WebSocketClosedException, InterruptedException {
    send(Message.text(text));
  }

  /** Sends a binary message; see {@link #send}. */
  default void sendBinary(byte[] data) throws WebSocketClosedException, InterruptedException {
    send(Message.binary(data));
  }
}
