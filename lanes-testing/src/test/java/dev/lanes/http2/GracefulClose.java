package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.server.Server;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Graceful shutdown as every HTTP/2 transport must do it (RFC 9113 6.8): closing the server sends
 * GOAWAY naming 2^31-1, then (the client acknowledging its PING) GOAWAY naming the stream in
 * flight, which then finishes, and the connection closes.
 */
final class GracefulClose {
  private GracefulClose() {}

  /**
   * {@code /work} counts {@code started} down, waits for {@code release}, then answers
   * {@code expected}.
   */
  static void check(Server server, H2Client client, CountDownLatch started, CountDownLatch release,
      String expected) throws Exception {
    H2Client.Stream work = client.get("/work");
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Http2GoAwayFrame announced = client.goAways.poll(10, TimeUnit.SECONDS);
    assertThat(announced).isNotNull();
    assertThat(announced.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
    assertThat(announced.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
    announced.release();
    Http2GoAwayFrame last = client.goAways.poll(10, TimeUnit.SECONDS); // Netty's client acks the PING
    assertThat(last).isNotNull();
    assertThat(last.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
    assertThat(last.lastStreamId()).isEqualTo(work.channel.stream().id());
    last.release();
    assertThat(work.ended).isNotDone();
    release.countDown();
    assertThat(work.text()).isEqualTo(expected);
    client.closed().get(10, TimeUnit.SECONDS);
    closing.get(20, TimeUnit.SECONDS);
  }
}
