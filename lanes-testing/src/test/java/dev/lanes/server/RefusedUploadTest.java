package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.TestClient;
import io.netty.handler.ssl.OpenSsl;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request refused from its head (413 for a declared length past maxBodySize) reaches a client
 * that sends its whole body before it reads, as Python's http.client and many others do: the
 * server answers, shuts its side, and reads and drops the rest before it closes. Closing with the
 * body's bytes unread would reset the connection, and such a client would get a reset instead
 * of the answer (uvicorn's client gets its 413 there too).
 */
@Timeout(60)
class RefusedUploadTest {

  private static final int BODY_SIZE = 32 << 20; // far more than the socket buffers on both sides hold

  @Test
  void aClientThatSendsItsWholeBodyFirstStillReadsThe413() throws Exception {
    App app = App.builder().post("/up", req -> Response.text("got " + req.body().length)).build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().maxBodySize(1 << 20))) {
      assertThat(uploadThenRead(server.port())).startsWith("HTTP/1.1 413 ").contains("connection: close");
    }
  }

  /**
   * A chunked body has no length to refuse up front: its 413 comes once the limit is passed, in
   * the middle of the body, and the connection closes. The client still sending the rest reads
   * the 413 all the same, and nothing after the refused body is answered.
   */
  @Test
  void aClientThatSendsItsWholeChunkedBodyFirstStillReadsThe413() throws Exception {
    App app = App.builder().post("/up", req -> Response.text("got " + req.body().length)).build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().maxBodySize(1 << 20));
        Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write("POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int sent = 0; sent < BODY_SIZE; sent += chunk.length) {
        out.write(size);
        out.write(chunk); // a reset from the server fails this write
        out.write(crlf);
      }
      out.write("0\r\n\r\nPOST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      s.getInputStream().transferTo(answer); // up to the server's FIN
      String text = answer.toString(StandardCharsets.US_ASCII);
      assertThat(text).startsWith("HTTP/1.1 413 ").contains("connection: close").doesNotContain("got ");
    }
  }

  /** The same for a streamed route whose handler answers without reading: too much is left to skip, so it closes. */
  @Test
  void aStreamedRouteAnsweringWithoutReadingReachesThatClientToo() throws Exception {
    App app = App.builder()
        .route("POST", "/up", RouteOptions.defaults().streamedBody(1L << 40), req -> Response.text(403, "no"))
        .build();
    try (TestClient server = TestClient.start(app)) {
      assertThat(uploadThenRead(server.port())).startsWith("HTTP/1.1 403 ").contains("connection: close");
    }
  }

  /** The same when that answer is a file, or a body written in a lane: not only an in-memory body lingers. */
  @Test
  void aStreamedRouteAnsweringWithAFileOrAWrittenBodyReachesThatClientToo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("no.txt"), "no");
    App app = App.builder()
        .route("POST", "/file", RouteOptions.defaults().streamedBody(1L << 40),
            req -> Response.of(403, "text/plain", new ResponseBody.FileRange(file, 0, 2)))
        .route("POST", "/written", RouteOptions.defaults().streamedBody(1L << 40),
            req -> Response.of(403, "text/plain",
                new ResponseBody.Written(out -> out.write(new byte[] {'n', 'o'}), Lanes.STREAMING, 2)))
        .build();
    try (TestClient server = TestClient.start(app)) {
      assertThat(uploadThenRead(server.port(), "/file")).startsWith("HTTP/1.1 403 ").contains("connection: close")
          .endsWith("no");
      assertThat(uploadThenRead(server.port(), "/written")).startsWith("HTTP/1.1 403 ").contains("connection: close")
          .endsWith("no");
    }
  }

  /**
   * A client still sending past bodyReadTimeout after the answer is lingered with, not timed out:
   * the body timer of the request it answered stopped reading, and the linger then closed with the
   * body's bytes unread, resetting a client that reads only once its body is sent.
   */
  @Test
  void aClientStillSendingPastTheBodyReadTimeoutIsNotTimedOutWhileLingering() throws Exception {
    App app = App.builder()
        .route("POST", "/up", RouteOptions.defaults().streamedBody(1L << 40), req -> Response.text(403, "no"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().bodyReadTimeout(Duration.ofMillis(200)));
        Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      int chunks = 60; // at 50 ms apart: past the body read timeout and past the linger's 2 s idle bound
      // Declared far longer than what is sent: too much to skip, so the answer closes (lingering).
      out.write(("POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (1 << 30) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < chunks; i++) {
        out.write(new byte[1024]); // a reset from the server fails this write
        out.flush();
        Thread.sleep(50); // a client that sends slowly, each pause far within the linger's idle bound
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      s.getInputStream().transferTo(answer);
      assertThat(answer.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 403 ").endsWith("no");
      assertThat(server.server().statistics().bodyReadTimeouts()).isZero();
    }
  }

  /**
   * Over TLS too: the answer, its close_notify, then the rest of the body read and dropped. The
   * connection closed at once with the body's bytes unread, and the client's write or read met a
   * reset instead of the 413.
   */
  @ParameterizedTest
  @MethodSource("engines")
  void aTlsClientThatSendsItsWholeBodyFirstStillReadsThe413(Tls.Engine engine) throws Exception {
    App app = App.builder().post("/up", req -> Response.text("got " + req.body().length)).build();
    try (TestClient server = TestClient.start(app,
        ServerConfig.builder().maxBodySize(1 << 20).tlsPort(0).tls(Tls.selfSigned("localhost").engine(engine)))) {
      Socket tcp = new Socket("127.0.0.1", server.server().tlsPort().getAsInt());
      try (SSLSocket s = (SSLSocket) TrustingTls.trustAll().getSocketFactory()
          .createSocket(tcp, "localhost", tcp.getPort(), true)) {
        assertThat(uploadThenRead(s, "/up")).startsWith("HTTP/1.1 413 ").contains("connection: close");
      }
    }
  }

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  private static String uploadThenRead(int port) throws Exception {
    return uploadThenRead(port, "/up");
  }

  /** Sends a POST of BODY_SIZE bytes whole, as a client that reads only afterwards, then reads to the server's FIN. */
  private static String uploadThenRead(int port, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return uploadThenRead(s, path);
    }
  }

  /** The same on a connected socket, plain or TLS; reads to the server's end of the stream. */
  private static String uploadThenRead(Socket s, String path) throws Exception {
    int bodySize = BODY_SIZE;
    OutputStream out = s.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + bodySize + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = new byte[64 * 1024];
    for (int sent = 0; sent < bodySize; sent += chunk.length) {
      out.write(chunk); // a reset from the server fails this write
    }
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    in.transferTo(answer); // up to the server's FIN (over TLS its close_notify)
    return answer.toString(StandardCharsets.US_ASCII);
  }
}
