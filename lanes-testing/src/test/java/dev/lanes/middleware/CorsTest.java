package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CorsTest {
  private static final AtomicInteger HANDLED = new AtomicInteger();
  private static TestClient client;

  @BeforeAll
  static void start() {
    Cors cors = Cors.builder().allowOrigins("https://app.example")
        .allowMethods("GET", "PUT").allowHeaders("Content-Type", "X-Token")
        .exposeHeaders("X-Total").allowCredentials(true).maxAge(Duration.ofMinutes(5)).build();
    App app = App.builder().middleware(cors)
        .get("/items", req -> {
          HANDLED.incrementAndGet();
          return Response.text("items").withHeader("X-Total", "3");
        })
        .route("PUT", "/items", req -> Response.text("put"))
        .get("/fresh", req -> Response.status(304).withHeader("ETag", "\"v1\""))
        .get("/boom", req -> {
          throw new IllegalStateException("boom");
        })
        .get("/public", req -> Response.text("public").withHeader("Access-Control-Allow-Origin", "*")
            .withHeader("access-control-expose-headers", "X-Other"))
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse preflight(String origin, String method, String headers) {
    HttpRequest.Builder r = client.request("/items").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin).header("Access-Control-Request-Method", method);
    if (!headers.isEmpty()) {
      r.header("Access-Control-Request-Headers", headers);
    }
    return client.send(r);
  }

  @Test
  void anAllowedPreflightIsAnsweredWithoutReachingTheRoute() {
    int before = HANDLED.get();
    TestResponse r = preflight("https://app.example", "PUT", "content-type, x-token");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(r.header("access-control-allow-methods")).contains("GET, PUT");
    assertThat(r.header("access-control-allow-headers")).contains("content-type, x-token, accept, accept-language, content-language");
    assertThat(r.header("access-control-allow-credentials")).contains("true");
    assertThat(r.header("access-control-max-age")).contains("300");
    assertThat(r.headerValues("vary")).contains("Origin");
    assertThat(HANDLED.get()).isEqualTo(before);
  }

  @Test
  void preflightsForOtherOriginsMethodsOrHeadersAreRefusedAndStillVary() {
    for (TestResponse r : new TestResponse[] {
        preflight("https://evil.example", "GET", ""),
        preflight("https://app.example", "DELETE", ""),
        preflight("https://app.example", "GET", "x-other")}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.header("access-control-allow-origin")).isEmpty();
      assertThat(r.headerValues("vary")).contains("Origin");
    }
  }

  @Test
  void simpleRequestsFromAllowedOriginsGetTheHeadersAndOthersDoNot() {
    TestResponse ok = client.send(client.request("/items").header("Origin", "https://app.example"));
    assertThat(ok.text()).isEqualTo("items");
    assertThat(ok.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(ok.header("access-control-expose-headers")).contains("X-Total");
    assertThat(ok.headerValues("vary")).contains("Origin");
    TestResponse other = client.send(client.request("/items").header("Origin", "https://evil.example"));
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("access-control-allow-origin")).isEmpty();
    assertThat(other.headerValues("vary")).contains("Origin");
    TestResponse none = client.get("/items");
    assertThat(none.headerValues("vary")).contains("Origin");
  }

  @Test
  void theMiddlewaresCorsHeadersReplaceTheAppsInsteadOfRepeatingThem() {
    // Two Access-Control-Allow-Origin values fail the browser's CORS check (Fetch: one value).
    TestResponse r = client.send(client.request("/public").header("Origin", "https://app.example"));
    assertThat(r.headerValues("access-control-allow-origin")).containsExactly("https://app.example");
    assertThat(r.headerValues("access-control-expose-headers")).containsExactly("X-Total");
    assertThat(r.headerValues("access-control-allow-credentials")).containsExactly("true");
    TestResponse other = client.send(client.request("/public").header("Origin", "https://evil.example"));
    assertThat(other.headerValues("access-control-allow-origin")).containsExactly("*"); // the app's own
  }

  @Test
  void unroutedAnswersCarryCorsHeadersToo() {
    TestResponse missing = client.send(client.request("/nowhere").header("Origin", "https://app.example"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(missing.headerValues("vary")).contains("Origin");
  }

  /**
   * A response's CORS headers depend on the Origin whatever its status: a 304 (a cache updates
   * its stored headers from it), the router's 405 and an unhandled error's 500 get them and
   * {@code Vary: Origin} as a 200 does (Starlette's 500 comes from outside its CORS middleware,
   * without them).
   */
  @Test
  void notModifiedMethodNotAllowedAndServerErrorsCarryCorsHeadersToo() {
    TestResponse notModified = client.send(client.request("/fresh").header("Origin", "https://app.example"));
    TestResponse notAllowed = client.send(client.request("/items").header("Origin", "https://app.example")
        .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    TestResponse failed = client.send(client.request("/boom").header("Origin", "https://app.example"));
    assertThat(List.of(notModified.status(), notAllowed.status(), failed.status())).containsExactly(304, 405, 500);
    for (TestResponse r : List.of(notModified, notAllowed, failed)) {
      assertThat(r.header("access-control-allow-origin")).as("status %d", r.status()).contains("https://app.example");
      assertThat(r.header("access-control-allow-credentials")).as("status %d", r.status()).contains("true");
      assertThat(r.headerValues("vary")).as("status %d", r.status()).contains("Origin");
    }
    assertThat(notAllowed.header("allow")).contains("GET, HEAD, OPTIONS, PUT");
  }

  /**
   * A browser's {@code Origin} leaves out its scheme's default port (RFC 6454 6.2), so an origin
   * listed with {@code :443} or {@code :80} would never match what a browser sends: it is listed
   * without it. Another port stays part of the origin.
   */
  @Test
  void anOriginListedWithItsSchemesDefaultPortMatchesWhatBrowsersSend() {
    Cors cors = Cors.builder()
        .allowOrigins("https://app.example:443", "HTTP://Local.Example:80", "https://alt.example:8443").build();
    App app = App.builder().middleware(cors).get("/any", req -> Response.text("any")).build();
    try (TestClient c = TestClient.start(app)) {
      for (String origin : List.of("https://app.example", "http://local.example", "https://alt.example:8443")) {
        TestResponse r = c.send(c.request("/any").header("Origin", origin));
        assertThat(r.header("access-control-allow-origin")).as(origin).contains(origin);
        TestResponse preflight = c.send(c.request("/any").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin).header("Access-Control-Request-Method", "GET"));
        assertThat(preflight.status()).as("preflight from " + origin).isEqualTo(204);
      }
      assertThat(c.send(c.request("/any").header("Origin", "https://alt.example")).header("access-control-allow-origin"))
          .as("another port is another origin").isEmpty();
    }
  }

  @Test
  void anyHeaderWithCredentialsEchoesTheAskedNamesNeverAStar() {
    // With credentials a browser takes "*" in Access-Control-Allow-Headers literally (Fetch), so
    // the names asked for are echoed, as Starlette does for allow_headers=["*"].
    Cors cors = Cors.builder().allowOrigins("https://app.example").allowHeaders("*").allowCredentials(true).build();
    App app = App.builder().middleware(cors).get("/any", req -> Response.text("any")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.send(c.request("/any").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET")
          .header("Access-Control-Request-Headers", "x-token, authorization"));
      assertThat(r.status()).isEqualTo(204);
      assertThat(r.header("access-control-allow-headers")).contains("x-token, authorization");
      assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
      assertThat(r.header("access-control-allow-credentials")).contains("true");
    }
  }

  @Test
  void starWithCredentialsIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> Cors.builder().allowOrigins("*").allowCredentials(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials");
    assertThatThrownBy(() -> Cors.builder().allowOrigins("https://app.example/path"))
        .hasMessageContaining("not an origin");
    assertThatThrownBy(() -> Cors.builder().build()).hasMessageContaining("at least one");
    // With credentials a browser takes "*" in Access-Control-Expose-Headers as a header's name
    // (Fetch): the page would read none of them.
    assertThatThrownBy(() -> Cors.builder().allowOrigins("https://app.example").exposeHeaders("*")
        .allowCredentials(true).build()).hasMessageContaining("exposeHeaders");
    // Sandboxed frames and file: pages send "null", and any site can make one: never allowed by name.
    assertThatThrownBy(() -> Cors.builder().allowOrigins("null")).hasMessageContaining("sandboxed");
  }
}
