package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.server.Server;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Graceful shutdown as every HTTP/2 transport must do it: closing the server sends GOAWAY naming
 * the stream in flight, which then finishes, and the connection closes.
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
    Http2GoAwayFrame goAway = client.goAway.get(10, TimeUnit.SECONDS);
    assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
    assertThat(goAway.lastStreamId()).isEqualTo(work.channel.stream().id());
    goAway.release();
    assertThat(work.ended).isNotDone();
    release.countDown();
    assertThat(work.text()).isEqualTo(expected);
    client.closed().get(10, TimeUnit.SECONDS);
    closing.get(20, TimeUnit.SECONDS);
  }
}
