package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful shutdown and idle connections on HTTP/2: GOAWAY, then the streams in flight finish. */
@Timeout(60)
class Http2ShutdownTest {

  @Test
  void closeSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/work", req -> {
          started.countDown();
          release.await();
          return Response.text("finished");
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(20)).build());
    try (H2Client client = H2Client.connect(server.port())) {
      GracefulClose.check(server, client, started, release, "finished");
    } finally {
      release.countDown();
      server.close();
      app.close();
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    try (Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
            .keepAliveTimeout(Duration.ofSeconds(2)).build()); // long enough for the first request on a busy machine
        H2Client client = H2Client.connect(server.port())) {
      assertThat(client.get("/x").text()).isEqualTo("x");
      Http2GoAwayFrame goAway = client.goAway.get(10, TimeUnit.SECONDS);
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
      goAway.release();
      client.closed().get(10, TimeUnit.SECONDS);
      assertThat(server.statistics().keepAliveTimeouts()).isEqualTo(1);
    } finally {
      app.close();
    }
  }
}
