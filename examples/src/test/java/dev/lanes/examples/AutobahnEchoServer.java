package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;

/**
 * The server the Autobahn|Testsuite fuzzing client tests ({@code benchmarks/autobahn.sh}): the
 * demo's WebSocket recipe, with its blocking echo (handler and options of {@code /ws/echo}) also
 * at {@code /}, because the plugin always points the client at the root URL. Started by the
 * plugin inside the Maven JVM with the port as the only argument; runs until that JVM exits.
 */
public final class AutobahnEchoServer {
  private AutobahnEchoServer() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    App app = WebSocketEcho.addTo(App.builder())
        .websocket("/", WebSocketEcho.LARGE, WebSocketEcho::echo)
        .build();
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(port).build())) {
      server.awaitClose();
    }
  }
}
