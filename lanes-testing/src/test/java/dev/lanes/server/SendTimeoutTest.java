package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The send timeout: a client that takes none of a response's bytes for {@code sendTimeout} loses
 * its connection (a slow-read attack would otherwise hold it, and a streamed body's lane token,
 * for good), while a slow client that keeps taking bytes is served in full.
 */
@Timeout(60)
class SendTimeoutTest {
  private static final byte[] CHUNK = new byte[64 * 1024];

  static {
    Arrays.fill(CHUNK, (byte) 'a');
  }

  /** {@code chunks} chunks of 64 KiB, written by blocking code in the streaming lane. */
  private static App streaming(int chunks, AtomicBoolean failed) {
    return App.builder()
        .get("/big", req -> StreamingResponse.writer(out -> {
          try {
            for (int i = 0; i < chunks; i++) {
              out.write(CHUNK);
            }
          } catch (IOException e) {
            failed.set(true);
            throw e;
          }
        }, "application/octet-stream"))
        .build();
  }

  private static Socket connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  @Test
  void aClientThatStopsReadingLosesItsConnectionAndTheProducerItsToken() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    App app = streaming(256, failed); // 16 MiB: far more than the socket buffers hold
    try (TestClient client = TestClient.start(app, ServerConfig.builder().sendTimeout(Duration.ofMillis(500)));
         Socket s = connect(client.port(), 4096)) {
      Await.value(() -> client.server().statistics().sendTimeouts(), n -> n == 1, "the send timeout fired");
      Await.value(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed(), n -> n == 0,
          "the producer stopped and gave its token back");
      assertThat(failed).as("the producer's write failed").isTrue();
      long got = drain(s.getInputStream());
      assertThat(got).as("bytes before the server closed").isLessThan(256L * CHUNK.length);
    }
  }

  @Test
  void aSlowClientThatKeepsReadingGetsTheWholeBody() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    int chunks = 32; // 2 MiB, about 2.5 s at this client's pace
    App app = streaming(chunks, failed);
    try (TestClient client = TestClient.start(app, ServerConfig.builder().sendTimeout(Duration.ofMillis(500)));
         Socket s = connect(client.port(), 16 * 1024)) {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > (long) chunks * CHUNK.length) {
          break; // the whole body and the chunked framing
        }
        Thread.sleep(20); // pacing a slow client (about 800 KB/s), not waiting for a state
      }
      assertThat(total).isGreaterThan((long) chunks * CHUNK.length);
      assertThat(client.server().statistics().sendTimeouts()).isZero();
      assertThat(failed).isFalse();
    }
  }

  /** Reads until the server closes; the count of bytes read. */
  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (java.net.SocketException reset) {
      // closed with bytes unread on the server's side: what arrived is what counts
    }
    return total;
  }

  /**
   * A client that takes none of a large in-memory response and then sends half a request head:
   * the head timer's 408 queues behind the response's bytes, and its close waits for that write.
   * The send timeout still bounds that close: the connection ends though the client never reads.
   * (Here the response turns the channel unwritable, which arms the send watch by itself; the
   * 408's own arming covers a few KiB stuck behind full kernel buffers, which no socket test can
   * produce on demand.)
   */
  @Test
  void aHeadTimeoutBehindAResponseTheClientDoesNotTakeClosesWithinTheSendTimeout() throws Exception {
    byte[] big = new byte[8 * 1024 * 1024]; // far more than the socket buffers hold
    App app = App.builder().get("/big", req -> dev.lanes.http.Response.bytes(big)).build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder()
            .requestHeadTimeout(Duration.ofMillis(300)).sendTimeout(Duration.ofMillis(500)));
         Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", client.port()), 5000);
      s.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHo")
          .getBytes(StandardCharsets.US_ASCII));
      Await.value(() -> client.server().statistics().requestHeadTimeouts(), n -> n == 1, "the head timer fired");
      Await.value(() -> client.server().statistics().connections(), n -> n == 0, "the connection closed");
      assertThat(client.server().statistics().sendTimeouts()).as("closed by the send timeout").isEqualTo(1);
    }
  }
}
