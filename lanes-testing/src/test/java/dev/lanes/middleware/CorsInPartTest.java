package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Cors} in a {@code Routes} part, as in a Starlette {@code Mount(middleware=[CORSMiddleware])}:
 * a preflight to one of the part's paths is an {@code OPTIONS} no route takes, yet it meets the
 * part's middleware, and so does the 405 for another method on that path.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CorsInPartTest {
  private static final AtomicInteger HANDLED = new AtomicInteger();
  private static TestClient client;

  @BeforeAll
  static void start() {
    Routes api = Routes.create()
        .middleware(Cors.builder().allowOrigins("https://app.example").allowMethods("GET", "PUT")
            .allowHeaders("X-Token").build())
        .get("/items/{id:long}", req -> {
          HANDLED.incrementAndGet();
          return Response.text("item");
        });
    App app = App.builder()
        .include("/api", api)
        .get("/plain", req -> Response.text("plain"))
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse preflight(String path, String origin) {
    return client.send(client.request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin).header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "x-token"));
  }

  @Test
  void aPreflightToAPartsPathIsAnsweredByThePartsCors() {
    int before = HANDLED.get();
    TestResponse r = preflight("/api/items/5", "https://app.example");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(r.header("access-control-allow-methods")).contains("GET, PUT");
    assertThat(r.header("access-control-allow-headers")).hasValueSatisfying(h -> assertThat(h).startsWith("x-token"));
    assertThat(HANDLED.get()).isEqualTo(before);

    TestResponse refused = preflight("/api/items/5", "https://evil.example");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.text()).isEqualTo("Disallowed CORS origin");
  }

  @Test
  void anotherMethodsAnswerOnAPartsPathCarriesThePartsCorsHeaders() {
    TestResponse notAllowed = client.send(client.request("/api/items/5").header("Origin", "https://app.example")
        .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertThat(notAllowed.status()).isEqualTo(405);
    assertThat(notAllowed.header("allow")).contains("GET, HEAD, OPTIONS");
    assertThat(notAllowed.header("access-control-allow-origin")).contains("https://app.example");
    assertThat(notAllowed.headerValues("vary")).contains("Origin");
    // An OPTIONS that is no preflight gets the automatic answer, with the part's CORS headers.
    TestResponse options = client.send(client.request("/api/items/5").header("Origin", "https://app.example")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(options.status()).isEqualTo(204);
    assertThat(options.header("allow")).contains("GET, HEAD, OPTIONS");
    assertThat(options.header("access-control-allow-origin")).contains("https://app.example");
  }

  @Test
  void pathsThePartHasNoRouteForMeetOnlyTheAppsMiddleware() {
    TestResponse elsewhere = preflight("/plain", "https://app.example");
    assertThat(elsewhere.status()).isEqualTo(204); // the router's automatic OPTIONS answer
    assertThat(elsewhere.header("access-control-allow-origin")).isEmpty();
    TestResponse unknown = preflight("/api/nothing", "https://app.example");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("access-control-allow-origin")).isEmpty();
  }
}
