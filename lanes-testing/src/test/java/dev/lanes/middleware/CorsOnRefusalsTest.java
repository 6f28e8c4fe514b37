package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The answers the server gives from a request's head, before any middleware runs (413 for a body
 * past {@code maxBodySize}, 417, the 503 of a full server), carry the CORS headers of the app's {@link Cors} for an allowed
 * origin: without them a page's upload that is too large shows as a CORS failure, not as the 413
 * it can tell its user about.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CorsOnRefusalsTest {
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .middleware(Cors.builder().allowOrigins("https://app.example").exposeHeaders("X-Total")
            .allowCredentials(true).build())
        .post("/up", req -> Response.text("got " + req.body().length))
        .build();
    client = TestClient.start(app, ServerConfig.builder().maxBodySize(1000));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static RawResponse answer(String request) {
    try (RawClient c = RawClient.connect(client.port())) {
      return c.send(request).read();
    }
  }

  @Test
  void aDeclaredLengthPastTheLimitIsRefusedWithTheCorsHeaders() {
    RawResponse r = answer("POST /up HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
        + "Content-Length: 5000\r\n\r\n");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(r.header("access-control-allow-credentials")).contains("true");
    assertThat(r.header("access-control-expose-headers")).contains("X-Total");
    assertThat(r.headerValues("vary")).contains("Origin");
  }

  @Test
  void aChunkedBodyPastTheLimitIsRefusedWithTheCorsHeaders() {
    RawResponse r = answer("POST /up HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n7d0\r\n" + "a".repeat(2000) + "\r\n0\r\n\r\n");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
  }

  @Test
  void anUnmetExpectationIsRefusedWithTheCorsHeaders() {
    RawResponse r = answer("POST /up HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
        + "Expect: something-else\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(r.status()).isEqualTo(417);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
  }

  @Test
  void anotherOriginGetsTheRefusalWithoutThemButStillVaries() {
    RawResponse r = answer("POST /up HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
        + "Content-Length: 5000\r\n\r\n");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).isEmpty();
    assertThat(r.header("access-control-allow-credentials")).isEmpty();
    assertThat(r.headerValues("vary")).contains("Origin");
  }

  /** The 503 of a server at its in-flight limit, which no middleware wraps either. */
  @Test
  void theBusyAnswerOfAFullServerCarriesThemToo() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .middleware(Cors.builder().allowOrigins("https://app.example").build())
        .get("/slow", req -> {
          entered.countDown();
          release.await();
          return Response.text("slow");
        })
        .get("/fast", req -> Response.text("fast"))
        .build();
    try (TestClient full = TestClient.start(app, ServerConfig.builder().maxInFlight(1))) {
      CompletableFuture<TestResponse> slow = full.sendAsync(full.request("/slow"));
      TestResponse busy;
      try {
        entered.await();
        busy = full.send(full.request("/fast").header("Origin", "https://app.example"));
      } finally {
        release.countDown();
      }
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.header("access-control-allow-origin")).contains("https://app.example");
      assertThat(busy.headerValues("vary")).contains("Origin");
      assertThat(slow.get().text()).isEqualTo("slow");
    }
  }
}
