package dev.lanes.server;

import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import java.time.Duration;

/** What the tests that start and close servers by hand share: their config and a one-line GET. */
final class HandStartedServers {
  private HandStartedServers() {}

  /** Loopback, any port, no signal handlers, a short grace. */
  static ServerConfig.Builder config() {
    return ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2));
  }

  /** {@code GET path} on a new connection: the status and the body, e.g. {@code 200 open}. */
  static String get(Server server, String path) {
    try (RawClient c = RawClient.connect(server.port())) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
      RawResponse r = c.read();
      return r.status() + " " + r.text();
    }
  }
}
