package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * "For ever" written as {@code ChronoUnit.FOREVER.getDuration()} (past what
 * {@code Duration.toNanos()} can hold) is accepted by ServerConfig and cut to about 73 years:
 * the server still closes with such a grace period, and connections still work with such
 * timeouts (before, toNanos() threw in close() or in every connection's set-up).
 */
class ServerConfigLimitsTest {
  private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

  @Test
  void aHugeShutdownGraceIsCutAndHonouredByClose() {
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(false)
        .shutdownGrace(FOREVER).build();
    assertThat(config.shutdownGrace()).isLessThan(FOREVER).isGreaterThan(Duration.ofDays(365 * 70));
    App app = App.builder().get("/", req -> Response.text("ok")).build();
    Server server = Server.start(app, config);
    Throwable thrown = null;
    try {
      server.close();
    } catch (Throwable t) {
      thrown = t;
    }
    boolean stillServing;
    try (RawClient c = RawClient.connect(server.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      stillServing = c.read().status() == 200;
    } catch (RuntimeException e) {
      stillServing = false;
    }
    app.close();
    assertThat(thrown).as("close() with shutdownGrace FOREVER threw").isNull();
    assertThat(stillServing).as("server still answers after close()").isFalse();
  }

  @Test
  void hugeTimeoutsAreCutAndConnectionsStillWork() {
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(false)
        .requestHeadTimeout(FOREVER).bodyReadTimeout(FOREVER).keepAliveTimeout(FOREVER).sendTimeout(FOREVER)
        .minRequestBodyRate(1).build();
    App app = App.builder().get("/", req -> Response.text("ok")).build();
    try (app; Server server = Server.start(app, config)) {
      RawClient.Transcript t;
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        t = c.readUntilClosed();
      }
      assertThat(t.statuses()).as("answer with every timeout FOREVER").containsExactly(200);
    }
  }
}
