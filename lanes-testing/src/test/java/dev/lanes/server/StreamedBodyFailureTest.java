package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A streamed body that goes wrong by the client's fault (past the route's limit, stalled, badly
 * chunked) makes the handler's read throw; a handler that lets that exception out, as
 * {@code Files.copy(req.bodyStream(), path)} does, gets the status the same body read whole
 * gets (413, 408, 400) naming what is wrong, not a 500 that blames the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamedBodyFailureTest {
  private static TestClient server;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .route("POST", "/copy", RouteOptions.defaults().streamedBody(1000), (BlockingHandler) req -> {
          req.bodyStream().transferTo(OutputStream.nullOutputStream()); // its IOException goes out
          return Response.text("stored");
        })
        .route("POST", "/wrapped", RouteOptions.defaults().streamedBody(1000), (BlockingHandler) req -> {
          try {
            req.bodyStream().readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e); // as a lambda that cannot throw it must
          }
          return Response.text("stored");
        })
        .build();
    server = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
        .bodyReadTimeout(Duration.ofMillis(300)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String post(String path, String framing) {
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\n" + framing + "\r\n";
  }

  private static RawResponse send(String request) {
    try (RawClient raw = RawClient.connect(server.port())) {
      RawResponse r = raw.send(request).read();
      assertThat(r.header("connection")).contains("close");
      assertThat(raw.closedByServer()).isTrue();
      return r;
    }
  }

  private static String chunk(int size) {
    return Integer.toHexString(size) + "\r\n" + "y".repeat(size) + "\r\n";
  }

  @Test
  void aChunkedBodyPastTheLimitIs413() {
    for (String path : new String[] {"/copy", "/wrapped"}) {
      RawResponse r = send(post(path, "Transfer-Encoding: chunked\r\n") + chunk(600) + chunk(600) + "0\r\n\r\n");
      assertThat(r.status()).as(path).isEqualTo(413);
      assertThat(r.text()).as(path).contains("limit of 1000 bytes");
    }
  }

  @Test
  void aStalledBodyIs408() {
    for (String path : new String[] {"/copy", "/wrapped"}) {
      RawResponse r = send(post(path, "Content-Length: 100\r\n") + "only ten b");
      assertThat(r.status()).as(path).isEqualTo(408);
      assertThat(r.text()).as(path).contains("bodyReadTimeout");
    }
  }

  @Test
  void aBadChunkIs400() {
    for (String path : new String[] {"/copy", "/wrapped"}) {
      RawResponse r = send(post(path, "Transfer-Encoding: chunked\r\n") + chunk(5) + "zz\r\nhello\r\n0\r\n\r\n");
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.text()).as(path).startsWith("bad request body");
    }
  }
}
