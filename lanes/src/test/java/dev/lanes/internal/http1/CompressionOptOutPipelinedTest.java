package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.Compression;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/compression.md, BREACH: a route with {@code RouteOptions.compress(false)} is never
 * compressed, also when its response is written while an earlier one (a file sent in chunks to a
 * slow reader) still holds the responses behind it in the pipeline: the route's choice travels in
 * line with the heads, not as a flag set when the handler's response is written.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompressionOptOutPipelinedTest {
  private static final String SECRET = "SECRET-TOKEN-1234 ";
  @TempDir
  Path dir;
  private Server server;
  private final java.util.concurrent.CountDownLatch lastHandled = new java.util.concurrent.CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("page.txt");
    // Text that gzip cannot shrink much, larger than the socket buffers: the file is still being
    // written (queued in the chunked writer) when the next pipelined responses are written.
    byte[] random = new byte[12 * 1024 * 1024];
    new java.util.Random(1).nextBytes(random);
    Files.write(file, java.util.Base64.getEncoder().encode(random));
    App app = App.builder()
        // Async handlers: the three pipelined requests are answered within one read burst.
        .getAsync("/file.txt", req -> CompletableFuture.completedFuture(FileResponse.of(req, file)))
        .route("GET", "/secret", RouteOptions.defaults().compress(false),
            (AsyncHandler) req -> CompletableFuture.completedFuture(Response.text(SECRET.repeat(200))))
        .getAsync("/public", req -> {
          lastHandled.countDown(); // the responses before this one are written (queued) by now
          return CompletableFuture.completedFuture(Response.text("public text ".repeat(300)));
        })
        .build();
    server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .compression(Compression.on()).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRouteThatTurnedCompressionOffIsNotCompressedBehindAFile() throws Exception {
    String text = pipelined(
        "GET /file.txt HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n"
            + "GET /secret HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n"
            + "GET /public HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    assertThat(secondHead(text)).as("head of the /secret response").doesNotContainIgnoringCase("content-encoding");
    assertThat(text.contains(SECRET.repeat(3))).as("the /secret body went out as it is, uncompressed").isTrue();
  }

  /** The head of the second response (the one after the file). */
  private static String secondHead(String text) {
    int first = text.indexOf("HTTP/1.1 2");
    int second = text.indexOf("HTTP/1.1 2", first + 1);
    return text.substring(second, text.indexOf("\r\n\r\n", second));
  }

  /** Control: without the file first, the same two requests are right. */
  @Test
  void withoutAFileFirstTheOptOutHolds() throws Exception {
    String text = pipelined(
        "GET /secret HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n"
            + "GET /public HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    assertThat(text.contains(SECRET.repeat(3))).isTrue();
  }

  private String pipelined(String requests) throws Exception {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(8192); // the file does not fit in the socket buffers
      s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      s.setSoTimeout(10_000);
      s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      // Read only once the server has handled every request (as a slow client would).
      assertThat(lastHandled.await(10, TimeUnit.SECONDS)).isTrue();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      SocketReads.readInto(s, got, 10_000);
      String text = got.toString(StandardCharsets.ISO_8859_1);
      return text;
    }
  }
}
