package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request with {@code Expect: 100-continue} pipelined behind a streamed response: no interim
 * response may be written in the middle of the stream's chunked body (it broke the stream and
 * closed the connection), and both requests are answered.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExpectContinuePipelinedTest {
  private final CountDownLatch firstChunkWritten = new CountDownLatch(1);
  private final CountDownLatch finish = new CountDownLatch(1);
  private Server server;

  @BeforeEach
  void start() {
    App app = App.builder()
        .get("/stream", req -> StreamingResponse.writer(out -> {
          out.write("first-".getBytes(StandardCharsets.US_ASCII));
          firstChunkWritten.countDown();
          finish.await();
          out.write("second".getBytes(StandardCharsets.US_ASCII));
        }, "text/plain"))
        .post("/echo", req -> Response.text("echo:" + req.text()))
        .build();
    server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterEach
  void stop() {
    finish.countDown();
    server.close();
  }

  /**
   * A request with Expect: 100-continue pipelined behind a streamed response: its interim 100
   * must not be sent in the middle of the first response's chunked body, and the stream must
   * finish.
   */
  @Test
  void expectContinuePipelinedBehindAStreamDoesNotBreakTheStream() throws Exception {
    pipelinedBehindStream("Expect: 100-continue\r\n");
  }

  /** Control: the same without Expect passes. */
  @Test
  void withoutExpectTheSamePipelinedPostIsFine() throws Exception {
    pipelinedBehindStream("");
  }

  private void pipelinedBehindStream(String expect) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(firstChunkWritten.await(10, TimeUnit.SECONDS)).isTrue();
      s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: a\r\n" + expect
          + "Content-Length: 2\r\nConnection: close\r\n\r\nhi").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      // What the server sends while the stream is still open (until the reads go quiet).
      SocketReads.readInto(s, got, 1000);
      finish.countDown();
      SocketReads.readInto(s, got, 10_000);
      String text = got.toString(StandardCharsets.ISO_8859_1);
      assertThat(text).as("the streamed body is complete").contains("second");
      assertThat(text).as("the pipelined POST is answered").contains("echo:hi");
      int streamEnd = text.indexOf("0\r\n\r\n");
      int interim = text.indexOf("100 Continue");
      assertThat(interim).as("no 100 Continue inside the first response's body")
          .satisfiesAnyOf(i -> assertThat(i).isEqualTo(-1), i -> assertThat(i).isGreaterThan(streamEnd));
    }
  }
}
