package dev.lanes.websocket;

import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket session driven by an {@link AsyncWebSocketHandler}: its callbacks run on the
 * connection's event loop, one at a time, so they must not block. Sends never block; their
 * futures complete once the message is written (see {@link WebSocketPeer#sendAsync}).
 *
 * <pre>{@code app.websocketAsync("/ws/echo-async", (ws, message) -> ws.sendAsync(message)); }</pre>
 */
public interface AsyncWebSocket extends WebSocketPeer {
  /** Sends a text message without waiting. */
  default CompletableFuture<Void> sendText(String text) {
    return sendAsync(Message.text(text));
  }

  /** Sends a binary message without waiting. */
  default CompletableFuture<Void> sendBinary(byte[] data) {
    return sendAsync(Message.binary(data));
  }
}
