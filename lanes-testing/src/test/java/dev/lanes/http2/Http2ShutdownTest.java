package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful shutdown and idle connections on HTTP/2: GOAWAY, then the streams in flight finish. A
 * drain goes in RFC 9113 6.8's two steps: GOAWAY naming 2^31-1 with a PING, then, on its ack or
 * after a bounded wait, GOAWAY naming the last stream the server saw; a stream the client opened
 * in between, not knowing of the first, is served. An idle connection goes away in the same two steps.
 */
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

  /**
   * The idle close goes in the drain's two steps too: its GOAWAY crosses on the wire a stream the
   * client opened, not knowing the connection was idle long enough. A single GOAWAY naming the
   * last stream seen refused that stream (and closed the connection under it).
   */
  @Test
  void anIdleCloseServesAStreamOpenedWhileItsFirstGoAwayTravels() throws Exception {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    try (Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
            .keepAliveTimeout(Duration.ofMillis(500)).build());
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/x"), true);
      assertThat(c.answer(1, 10).headers().status().toString()).isEqualTo("200");
      RawH2.Frame ping = announced(c); // idle for keepAliveTimeout: GOAWAY(2^31-1) and a PING
      // The client opened stream 3 before it read the GOAWAY; it acks the PING after.
      c.headers(3, RawH2.request("GET", "/x"), true);
      c.frame(RawH2.PING, RawH2.ACK, 0, ping.payload());
      List<RawH2.Frame> frames = c.until(f -> f.type() == RawH2.EOF, 10);
      assertThat(frames.getLast().type()).as("%s", frames).isEqualTo(RawH2.EOF);
      assertThat(answer(frames, 3)).as("%s", frames).isEqualTo("200 x");
      List<RawH2.Frame> goAways = frames.stream().filter(f -> f.type() == RawH2.GOAWAY).toList();
      assertThat(goAways).as("%s", frames).hasSize(1);
      assertThat(goAways.getFirst().lastStreamId()).isEqualTo(3);
      assertThat(goAways.getFirst().error()).isEqualTo(Http2Error.NO_ERROR.code());
      assertThat(frames).filteredOn(f -> f.type() == RawH2.RST_STREAM).isEmpty();
      assertThat(server.statistics().keepAliveTimeouts()).isEqualTo(1);
    } finally {
      app.close();
    }
  }

  @Test
  void aStreamOpenedWhileTheFirstGoAwayTravelsIsServedAndTheFinalOneNamesIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/work", req -> {
          started.countDown();
          release.await();
          return Response.text("finished");
        })
        .get("/x", req -> Response.text("x"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(20)).build());
    try (RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/work"), true);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      RawH2.Frame ping = announced(c);
      // The client opened stream 3 before it read the GOAWAY; it acks the PING after.
      c.headers(3, RawH2.request("GET", "/x"), true);
      c.frame(RawH2.PING, RawH2.ACK, 0, ping.payload());
      List<RawH2.Frame> frames = new ArrayList<>(c.until(f -> f.type() == RawH2.GOAWAY, 10));
      RawH2.Frame last = frames.getLast();
      assertThat(last.type()).as("%s", frames).isEqualTo(RawH2.GOAWAY);
      assertThat(last.lastStreamId()).isEqualTo(3);
      assertThat(last.error()).isEqualTo(Http2Error.NO_ERROR.code());
      // A stream past the final GOAWAY is refused: not processed, the client may retry it elsewhere.
      c.headers(5, RawH2.request("GET", "/x"), true);
      frames.addAll(c.until(f -> f.type() == RawH2.RST_STREAM, 10));
      assertThat(frames.getLast().stream()).as("%s", frames).isEqualTo(5);
      assertThat(frames.getLast().error()).isEqualTo(Http2Error.REFUSED_STREAM.code());
      release.countDown(); // stream 1 ends: the connection has nothing left
      frames.addAll(c.until(f -> f.type() == RawH2.EOF, 10));
      assertThat(frames.getLast().type()).as("%s", frames).isEqualTo(RawH2.EOF);
      assertThat(answer(frames, 1)).isEqualTo("200 finished");
      assertThat(answer(frames, 3)).isEqualTo("200 x");
      assertThat(answer(frames, 5)).isNull();
      assertThat(frames).filteredOn(f -> f.type() == RawH2.RST_STREAM).hasSize(1);
      closing.get(20, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      server.close();
      app.close();
    }
  }

  @Test
  void aClientThatNeverAcksThePingGetsTheFinalGoAwayWithinTheGraceAndIsClosed() throws Exception {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
    try (RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/x"), true);
      assertThat(c.answer(1, 10).headers().status().toString()).isEqualTo("200");
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      announced(c);
      c.headers(3, RawH2.request("GET", "/x"), true); // and the PING is never acknowledged
      List<RawH2.Frame> frames = c.until(f -> f.type() == RawH2.EOF, 10);
      assertThat(frames.getLast().type()).as("%s", frames).isEqualTo(RawH2.EOF);
      // A GOAWAY before the end: the server's own final step, not the grace's forced close.
      List<RawH2.Frame> goAways = frames.stream().filter(f -> f.type() == RawH2.GOAWAY).toList();
      assertThat(goAways).as("%s", frames).hasSize(1);
      assertThat(goAways.getFirst().lastStreamId()).isEqualTo(3);
      assertThat(goAways.getFirst().error()).isEqualTo(Http2Error.NO_ERROR.code());
      assertThat(answer(frames, 3)).isEqualTo("200 x");
      closing.get(20, TimeUnit.SECONDS);
    } finally {
      server.close();
      app.close();
    }
  }

  /**
   * As on HTTP/1.1, an upload under way when the drain starts is read, served and answered: a
   * stream whose body is still arriving counts for the drain, after the final GOAWAY too. It did
   * not: with no request in flight the server closed the connection, the upload cut off unanswered.
   */
  @Test
  void aStreamWhoseBodyIsStillArrivingIsServedBeforeTheConnectionCloses() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .post("/upload", req -> {
          log.add("handled " + req.body().length);
          return Response.text("got " + req.body().length);
        })
        .onShutdown(s -> log.add("shutdown hook"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).h2c(true).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(20)).build());
    try (RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/upload").set("expect", "100-continue"), false);
      RawH2.Frame interim = c.answer(1, 10); // the head was read, the body is awaited
      assertThat(interim.headers().status().toString()).as("%s", interim).isEqualTo("100");
      c.data(1, "01234".getBytes(StandardCharsets.US_ASCII), false);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      RawH2.Frame ping = announced(c);
      c.frame(RawH2.PING, RawH2.ACK, 0, ping.payload());
      RawH2.Frame last = c.await(f -> f.type() == RawH2.GOAWAY || f.type() == RawH2.EOF, 10);
      assertThat(last).isNotNull();
      assertThat(last.type()).as("%s", last).isEqualTo(RawH2.GOAWAY);
      assertThat(last.lastStreamId()).isEqualTo(1);
      c.data(1, "56789".getBytes(StandardCharsets.US_ASCII), true);
      List<RawH2.Frame> frames = c.until(f -> f.type() == RawH2.EOF, 10);
      assertThat(frames.getLast().type()).as("%s", frames).isEqualTo(RawH2.EOF);
      assertThat(answer(frames, 1)).as("%s", frames).isEqualTo("200 got 10");
      closing.get(20, TimeUnit.SECONDS);
      assertThat(log).containsExactly("handled 10", "shutdown hook");
    } finally {
      server.close();
      app.close();
    }
  }

  /** The drain's first step: GOAWAY(2^31-1, NO_ERROR), then a PING, which is returned. */
  private static RawH2.Frame announced(RawH2 c) throws InterruptedException {
    RawH2.Frame first = c.await(f -> f.type() == RawH2.GOAWAY, 10);
    assertThat(first).isNotNull();
    assertThat(first.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
    assertThat(first.error()).isEqualTo(Http2Error.NO_ERROR.code());
    RawH2.Frame ping = c.await(f -> f.type() == RawH2.PING && (f.flags() & RawH2.ACK) == 0
        || f.type() == RawH2.GOAWAY || f.type() == RawH2.EOF, 10);
    assertThat(ping).isNotNull();
    assertThat(ping.type()).as("%s", ping).isEqualTo(RawH2.PING);
    return ping;
  }

  /** Stream {@code id}'s status and body ("200 x") as the frames carry them; null if it got no HEADERS. */
  private static String answer(List<RawH2.Frame> frames, int id) {
    String status = null;
    StringBuilder body = new StringBuilder();
    for (RawH2.Frame f : frames) {
      if (f.stream() != id) {
        continue;
      }
      if (f.type() == RawH2.HEADERS && status == null) {
        status = f.headers().status().toString();
      } else if (f.type() == RawH2.DATA) {
        body.append(new String(f.payload(), StandardCharsets.UTF_8));
      }
    }
    return status == null ? null : status + " " + body;
  }
}
