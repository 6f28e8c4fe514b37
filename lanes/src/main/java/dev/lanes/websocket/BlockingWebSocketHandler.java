package dev.lanes.websocket;

/**
 * A WebSocket handler that owns its session on a virtual thread of its route's lane
 * ({@code websockets} by default): a read loop, as plain blocking code. The lane's token is taken
 * before the 101 answer, so the lane's capacity is the number of sessions; a full lane answers
 * the upgrade with 503 and {@code Retry-After}. Returning closes the session with 1000, throwing
 * closes it with 1011 (the exception is logged). If the session ends (the peer leaves or closes,
 * another thread closes it) while the handler is busy outside {@code receive}/{@code send}, its
 * lane task is cancelled and its thread interrupted, so the token does not wait for its next call.
 *
 * <pre>{@code app.websocket("/ws/echo", ws -> { while (true) ws.send(ws.receive()); }); }</pre>
 */
@FunctionalInterface
public interface BlockingWebSocketHandler {
  void session(WebSocket ws) throws Exception;
}
