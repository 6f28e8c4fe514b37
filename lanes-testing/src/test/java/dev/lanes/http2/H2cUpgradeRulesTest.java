package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When {@code Upgrade: h2c} is honoured, and when the request is served as HTTP/1.1 instead. */
@Timeout(60)
class H2cUpgradeRulesTest {
  // An empty SETTINGS payload, base64url: the client accepts every default.
  private static final String UPGRADE = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n";

  private final AtomicInteger served = new AtomicInteger();

  private TestClient start() {
    return start(ServerConfig.builder().h2c(true));
  }

  private TestClient start(ServerConfig.Builder config) {
    App app = App.builder()
        .get("/x", req -> {
          served.incrementAndGet();
          return Response.text("x");
        })
        .post("/echo", req -> Response.text("got " + new String(req.body(), StandardCharsets.UTF_8)))
        .build();
    return TestClient.start(app, config);
  }

  @Test
  void aFirstRequestAskingH2cGets101ThenHttp2Frames() throws Exception {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n");
      String head = raw.readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols").containsIgnoringCase("upgrade: h2c");
    }
  }

  /**
   * Bytes that arrive in the same read as the upgrade request (a client that sends its preface
   * without waiting for the 101) are HTTP/2's: the HTTP/1.1 decoder hands them over as it leaves.
   * They must reach the HTTP/2 connection, not break the switch and leave a connection that is
   * neither HTTP/1.1 nor HTTP/2, with no timer left to close it.
   */
  @Test
  void thePrefaceSentRightBehindTheUpgradeRequestIsHttp2s() throws Exception {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      raw.send("POST /echo HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "Content-Length: 5\r\n\r\nhello"
          + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\0\4\0\0\0\0\0"); // the preface, an empty SETTINGS
      assertThat(raw.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101 Switching Protocols");
      var decoder = new DefaultHttp2HeadersDecoder(false);
      String status = null;
      String body = null;
      while (body == null) { // frames until stream 1's DATA
        Frame f = Frame.read(raw::readBytes);
        assertThat(f.type()).as("no GOAWAY").isNotEqualTo(RawH2.GOAWAY);
        if (f.stream() == 1 && f.type() == RawH2.HEADERS) {
          status = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(f.payload())).status().toString();
        } else if (f.stream() == 1 && f.type() == RawH2.DATA) {
          body = new String(f.payload(), StandardCharsets.UTF_8);
        }
      }
      assertThat(status).isEqualTo("200");
      assertThat(body).isEqualTo("got hello");
    }
  }

  /**
   * Stream 1's answer waits for the client's preface: the JDK's HttpClient loses response bytes
   * that arrive in the same read as the 101 beyond its first buffer while it switches protocols.
   */
  @Test
  void theUpgradedRequestIsAnsweredOnceThePrefaceCame() throws Exception {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n");
      assertThat(raw.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101 Switching Protocols");
      raw.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\0\4\0\0\0\0\0");
      String body = null;
      while (body == null) {
        Frame f = Frame.read(raw::readBytes);
        if (f.stream() == 1 && f.type() == RawH2.DATA) {
          body = new String(f.payload(), StandardCharsets.UTF_8);
        }
      }
      assertThat(body).isEqualTo("x");
      assertThat(served).hasValue(1);
    }
  }

  /** A client that gets its 101 and never speaks HTTP/2 is closed at the keep-alive timeout, unserved. */
  @Test
  void anUpgradeWhoseClientSendsNoPrefaceIsClosedUnserved() throws Exception {
    try (TestClient server = start(ServerConfig.builder().h2c(true).keepAliveTimeout(Duration.ofMillis(300)));
        RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n");
      RawClient.Transcript t = raw.readUntilClosed();
      assertThat(t.closed()).as("closed by the server").isTrue();
      assertThat(t.text()).startsWith("HTTP/1.1 101 Switching Protocols");
      ByteBuffer afterHead = ByteBuffer.wrap(t.text().substring(t.text().indexOf("\r\n\r\n") + 4)
          .getBytes(StandardCharsets.ISO_8859_1));
      List<String> seen = new ArrayList<>();
      while (afterHead.remaining() >= 9) {
        Frame f = Frame.read(n -> {
          byte[] bytes = new byte[n];
          afterHead.get(bytes);
          return bytes;
        });
        seen.add(f.type() + "@" + f.stream());
      }
      assertThat(seen).as("frames (type@stream): none on stream 1")
          .noneMatch(f -> f.endsWith("@1"));
      assertThat(served).hasValue(0);
    }
  }

  /** An HTTP/2 frame as read from bytes after the 101. */
  private record Frame(int type, int stream, byte[] payload) {
    /** The next frame, {@code read} giving the next n bytes. */
    static Frame read(IntFunction<byte[]> read) {
      ByteBuffer head = ByteBuffer.wrap(read.apply(9));
      int length = (head.get() & 0xff) << 16 | (head.get() & 0xff) << 8 | head.get() & 0xff;
      int type = head.get();
      head.get(); // flags
      int stream = head.getInt();
      return new Frame(type, stream, length == 0 ? new byte[0] : read.apply(length));
    }
  }

  @Test
  void onlyTheFirstRequestOfAConnectionIsUpgraded() {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      RawResponse first = raw.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertThat(first.status()).isEqualTo(200);
      RawResponse second = raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n").read();
      assertThat(second.version()).isEqualTo("HTTP/1.1");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("x");
    }
  }

  @Test
  void anUpgradeWithoutSettingsOrNamingThemInConnectionIsServedAsHttp11() {
    try (TestClient server = start()) {
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send("GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
      }
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send("GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
      }
    }
  }
}
