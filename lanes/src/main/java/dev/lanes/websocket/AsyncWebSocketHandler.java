package dev.lanes.websocket;

/**
 * A WebSocket handler whose callbacks run on the connection's event loop, one at a time per
 * connection and in message order; it takes no lane token and must never block. A callback that
 * throws closes the session with 1011 (the exception is logged).
 *
 * <pre>{@code app.websocketAsync("/ws/echo-async", (ws, message) -> ws.sendAsync(message)); }</pre>
 */
@FunctionalInterface
public interface AsyncWebSocketHandler {
  /** The session is open (the 101 is written). */
  default void onOpen(AsyncWebSocket ws) throws Exception {}

  /** The next message of {@code ws}. */
  void onMessage(AsyncWebSocket ws, Message message) throws Exception;

  /** The session has ended; {@code code} as in {@link WebSocketClosedException#code()}. */
  default void onClose(AsyncWebSocket ws, int code, String reason) throws Exception {}
}
