package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.websocket.WebSocket;
import dev.lanes.websocket.WebSocketOptions;

/**
 * WebSocket echo, written both ways (see docs/websockets.md):
 *
 * <ul>
 *   <li>{@code /ws/echo}: a blocking handler, a plain read loop on a virtual thread of lane
 *       {@code websockets}; each open session holds one of its tokens, so a full lane answers new
 *       upgrades with 503. Echoes text and binary.</li>
 *   <li>{@code /ws/echo-async}: the same with callbacks on the event loop, no lane token.</li>
 * </ul>
 *
 * <p>Both accept messages up to 16 MiB, the largest the Autobahn|Testsuite sends
 * ({@code benchmarks/autobahn.sh}); the default limit is 1 MiB.
 *
 * <pre>{@code websocat ws://127.0.0.1:8000/ws/echo}</pre>
 */
final class WebSocketEcho {
  static final WebSocketOptions LARGE = WebSocketOptions.defaults().maxMessageSize(16 * 1024 * 1024)
      .maxFrameSize(16 * 1024 * 1024).maxQueuedBytes(32 * 1024 * 1024);

  private WebSocketEcho() {}

  /** Adds the routes. */
  static App.Builder addTo(App.Builder app) {
    return app
        .websocket("/ws/echo", LARGE, WebSocketEcho::echo)
        .websocketAsync("/ws/echo-async", LARGE, (ws, message) -> ws.sendAsync(message));
  }

  /** The blocking echo: a read loop. */
  static void echo(WebSocket ws) throws Exception {
    while (true) {
      ws.send(ws.receive()); // receive throws WebSocketClosedException once the client leaves
    }
  }
}
