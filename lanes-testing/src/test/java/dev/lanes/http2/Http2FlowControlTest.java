package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that does not read one stream stops that stream's producer, and nothing else. */
@Timeout(60)
class Http2FlowControlTest {
  private static final int CHUNK = 8 * 1024;
  private static final int TOTAL = 4 << 20;

  @Test
  void aClosedWindowBlocksTheProducerAtABoundedCostWhileOtherStreamsGoOn() throws Exception {
    AtomicLong produced = new AtomicLong();
    AtomicReference<Thread> producer = new AtomicReference<>();
    App app = App.builder()
        .get("/big", req -> StreamingResponse.writer(out -> {
          producer.set(Thread.currentThread());
          for (int i = 0; i < TOTAL; i += CHUNK) {
            out.write(new byte[CHUNK]);
            produced.addAndGet(CHUNK);
          }
        }, "application/octet-stream"))
        .get("/small", req -> Response.text("small"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      client.widenConnectionWindow(); // only the stream's own 64 KiB window can stop the server
      H2Client.Stream big = client.open(H2Client.request("GET", "/big"), null, false);
      Await.until(() -> producer.get() != null && producer.get().getState() == Thread.State.WAITING,
          "producer blocked on the stream's window");
      // window (64 KiB) + the bytes allowed to wait for it + the chunk being written
      assertThat(produced.get()).isLessThanOrEqualTo(64 * 1024 + 64 * 1024 + CHUNK).isLessThan(TOTAL);
      assertThat(client.get("/small").text()).as("another stream on the same connection").isEqualTo("small");
      big.read();
      assertThat(big.body()).hasSize(TOTAL);
    }
  }

  /**
   * A client that opens every window as wide as it goes and then stops reading the socket: no
   * window ever closes, the socket does. The stream's bytes wait all the same, so sendTimeout
   * resets it and its producer (blocked on them, holding its lane token) stops.
   */
  @Test
  void aClientThatStopsReadingTheSocketWithOpenWindowsDoesNotHoldTheProducer() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write(new byte[CHUNK]);
            }
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream"))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).sendTimeout(Duration.ofMillis(300));
    try (TestClient server = TestClient.start(app, config); Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(out, 4, 0, 0, ByteBuffer.allocate(6).putShort((short) 4).putInt(Integer.MAX_VALUE).array()); // window max
      frame(out, 8, 0, 0, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 65_535).array()); // connection too
      ByteBuf block = Unpooled.buffer();
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true)
          .encodeHeaders(1, RawH2.request("GET", "/endless"), block);
      byte[] head = new byte[block.readableBytes()];
      block.readBytes(head);
      frame(out, 1, 4 | 1, 1, head); // END_HEADERS | END_STREAM; nothing is read from here on
      assertThat(ended.await(10, TimeUnit.SECONDS))
          .as("producer still running 10 s after the client stopped reading (sendTimeout 300 ms)").isTrue();
      Await.until(() -> app.lanes().get(dev.lanes.concurrency.Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
    }
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
        (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
        (byte) stream});
    out.write(payload);
    out.flush();
  }
}
