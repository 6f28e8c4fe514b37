package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.testing.RawClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A server that cannot start says which address it could not use, and why. */
class ServerBindErrorsTest {
  private static ServerConfig.Builder config() {
    return ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2));
  }

  private static String get(Server server, String path) {
    try (RawClient c = RawClient.connect(server.port())) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
      dev.lanes.testing.RawResponse r = c.read();
      return r.status() + " " + r.text();
    }
  }

  /** A taken TLS port: the error must name the TLS port, not the (free) cleartext one. */
  @Test
  void aTakenTlsPortIsNamedInTheError() throws Exception {
    try (App app = App.builder().build();
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> Server.start(app, config().tls(Tls.selfSigned("localhost")).tlsPort(port).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(":" + port);
    }
  }

  /** A host that does not resolve: the error names it and says it does not resolve. */
  @Test
  void anUnresolvableHostIsReportedClearly() {
    try (App app = App.builder().build()) {
      assertThatThrownBy(() -> Server.start(app, config().host("no-such-host.invalid").build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no-such-host.invalid")
          .hasMessageContaining("does not resolve")
          .hasMessageNotContaining(": null");
    }
  }
}
