package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.Deadline;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Middleware at its edges, as Starlette behaves: a preflight lists the safelisted headers it
 * allows, {@code allowMethods("*")} allows any method, an app-wide deadline's 504 passes through
 * the middleware around it, {@code X-Forwarded-Proto: wss} means TLS, and a catch-all exception
 * handler leaves the router's 404 and 405, and a lane's 503, alone.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MiddlewareEdgesTest {
  private static final String ORIGIN = "https://app.example";

  private static TestResponse preflight(TestClient c, String path, String method, String headers) {
    HttpRequest.Builder b = c.request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", method);
    if (headers != null) {
      b = b.header("Access-Control-Request-Headers", headers);
    }
    return c.send(b);
  }

  private static List<String> allowHeaders(TestResponse r) {
    return r.header("access-control-allow-headers").map(v -> Arrays.stream(v.split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT)).toList()).orElse(List.of());
  }

  /**
   * fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}}) preflights with
   * Access-Control-Request-Headers: content-type (application/json is not a safelisted value). The
   * Fetch spec's CORS check fails unless Access-Control-Allow-Headers lists content-type, so a 204
   * that does not name it is a refusal in the browser. Starlette lists the safelisted names.
   */
  @Test
  void preflightAnswerListsTheSafelistedHeaderItAllowed() {
    Cors cors = Cors.builder().allowOrigins(ORIGIN).allowMethods("POST").build();
    App app = App.builder().middleware(cors).post("/items", req -> Response.text("ok")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = preflight(c, "/items", "POST", "content-type");
      assertThat(r.status()).isEqualTo(204);
      assertThat(allowHeaders(r)).as("Access-Control-Allow-Headers").contains("content-type");
    }
  }

  @Test
  void preflightAnswerListsTheSafelistedHeaderBesideConfiguredOnes() {
    Cors cors = Cors.builder().allowOrigins(ORIGIN).allowMethods("POST").allowHeaders("X-Token").build();
    App app = App.builder().middleware(cors).post("/items", req -> Response.text("ok")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = preflight(c, "/items", "POST", "content-type, x-token");
      assertThat(r.status()).isEqualTo(204);
      assertThat(allowHeaders(r)).as("Access-Control-Allow-Headers").contains("content-type", "x-token");
    }
  }

  /** allowMethods("*") is accepted by the builder (as "*" is for origins and headers) but allows nothing. */
  @Test
  void wildcardMethodsAllowAPutPreflight() {
    Cors cors = Cors.builder().allowOrigins(ORIGIN).allowMethods("*").build();
    App app = App.builder().middleware(cors).route("PUT", "/items", req -> Response.text("ok")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = preflight(c, "/items", "PUT", null);
      assertThat(r.status()).as(r.text()).isEqualTo(204);
    }
  }

  /**
   * A browser checks the asked method against Access-Control-Allow-Methods, byte for byte (Fetch,
   * CORS-preflight fetch); a 204 that does not name it is a refusal. So "any method" names it.
   */
  @Test
  void wildcardMethodsNameAnExtensionMethodAskedFor() {
    Cors cors = Cors.builder().allowOrigins(ORIGIN).allowMethods("*").build();
    App app = App.builder().middleware(cors).route("PROPFIND", "/items", req -> Response.text("ok")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = preflight(c, "/items", "PROPFIND", null);
      assertThat(r.status()).as(r.text()).isEqualTo(204);
      assertThat(r.header("access-control-allow-methods").map(v -> List.of(v.split(", "))).orElse(List.of()))
          .contains("PROPFIND", "GET", "PUT");
    }
  }

  /**
   * Deadline is documented as app middleware; its 504 is a failed future, so Cors around it never
   * sees a response and the 504 leaves without Access-Control-Allow-Origin: the page gets an opaque
   * network error instead of the 504.
   */
  @Test
  void appDeadline504StillCarriesCorsHeaders() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    App app = App.builder()
        .middleware(Cors.builder().allowOrigins(ORIGIN).build())
        .middleware(Deadline.of(Duration.ofMillis(200)))
        .get("/slow", req -> {
          never.await();
          return Response.text("late");
        })
        .build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.send(c.request("/slow").header("Origin", ORIGIN));
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.header("access-control-allow-origin")).as("ACAO on the 504").contains(ORIGIN);
      assertThat(r.header("vary")).as("Vary on the 504").isPresent();
    }
  }

  /**
   * Traefik sends X-Forwarded-Proto: wss (or ws) for WebSocket upgrades; uvicorn's proxy-headers
   * middleware accepts http, https, ws and wss. Lanes drops "wss", so a wss upgrade through a TLS
   * proxy looks like plain http (and HttpsRedirect then answers it 308).
   */
  @Test
  void forwardedProtoWssMeansTls() {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1"))
        .get("/who", req -> Response.text(req.scheme())).build();
    try (TestClient c = TestClient.start(app)) {
      String seen = c.send(c.request("/who").header("X-Forwarded-For", "203.0.113.7")
          .header("X-Forwarded-Proto", "wss")).text();
      assertThat(seen).isEqualTo("https");
    }
  }

  @Test
  void forwardedProtoWssIsNotRedirected() {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1")).middleware(HttpsRedirect.toDefaultPort())
        .get("/ws", req -> Response.text("upgrade would happen here")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.send(c.request("/ws").header("X-Forwarded-For", "203.0.113.7")
          .header("X-Forwarded-Proto", "wss"));
      assertThat(r.status()).as("Location: " + r.header("location").orElse("-")).isEqualTo(200);
    }
  }

  /**
   * "Maps an exception type (and its subclasses) to a response, as Starlette's exception_handlers".
   * In Starlette a catch-all Exception handler does not swallow 404/405 (HTTPException's own
   * handler is more specific); here a catch-all for Exception turns every 404 and 405 into its 500.
   */
  @Test
  void catchAllExceptionHandlerDoesNotSwallow404And405() {
    App app = App.builder()
        .exceptionHandler(Exception.class, e -> Response.text(500, "custom 500: " + e.getClass().getSimpleName()))
        .get("/items", req -> Response.text("ok"))
        .get("/boom", req -> {
          throw new IllegalStateException("x");
        })
        .build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.get("/boom").text()).isEqualTo("custom 500: IllegalStateException");
      TestResponse missing = c.get("/nope");
      assertThat(missing.status()).as(missing.text()).isEqualTo(404);
      TestResponse wrongMethod = c.post("/items", "", "text/plain");
      assertThat(wrongMethod.status()).as(wrongMethod.text()).isEqualTo(405);
      assertThat(wrongMethod.header("allow")).isPresent();
    }
  }

  /**
   * A lane's refusal is a 503 with Retry-After that tells a load balancer or client to come back,
   * like an HttpException it has its own, closer answer: a catch-all handler for Exception must
   * not turn overload into its 500 (a handler for LaneRejectedException itself still wins).
   */
  @Test
  void catchAllExceptionHandlerLeavesALaneRefusalItsOwn503() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .exceptionHandler(Exception.class, e -> Response.text(500, "custom 500: " + e.getClass().getSimpleName()))
        .lane(dev.lanes.concurrency.Lane.builder("one").capacity(1).maxWaiting(0))
        .route("GET", "/hold", "one", req -> {
          entered.countDown();
          release.await();
          return Response.text("held");
        })
        .build();
    try (TestClient c = TestClient.start(app)) {
      var holder = c.sendAsync(c.request("/hold"));
      entered.await();
      TestResponse refused = c.get("/hold");
      release.countDown();
      assertThat(refused.status()).as(refused.text()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).contains("1");
      assertThat(holder.get().status()).isEqualTo(200);
    }
  }
}
