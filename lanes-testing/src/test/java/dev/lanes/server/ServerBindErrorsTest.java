package dev.lanes.server;

import static dev.lanes.server.HandStartedServers.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import java.net.InetAddress;
import java.net.ServerSocket;
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
