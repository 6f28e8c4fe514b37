package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.Cors;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A path that no route takes but one takes with its trailing slash removed or added is
 * redirected there (307, query kept), as FastAPI's {@code redirect_slashes} does by default.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SlashRedirectTest {

  private static App.Builder routes() {
    return App.builder()
        .get("/items", req -> Response.text("items"))
        .post("/orders", req -> Response.text("ordered " + req.text()))
        .get("/dir/", req -> Response.text("dir"))
        .get("/caf\u00e9 menu", req -> Response.text("menu"))
        .get("/", req -> Response.text("root"));
  }

  @Test
  void theOtherSpellingIsRedirectedWithItsQuery() {
    try (TestClient client = TestClient.start(routes().build())) {
      TestResponse r = client.get("/items/?q=1&x=%20");
      assertThat(r.status()).isEqualTo(307);
      assertThat(r.header("Location")).contains("/items?q=1&x=%20");
      assertThat(r.text()).isEmpty();

      TestResponse dir = client.get("/dir");
      assertThat(dir.status()).isEqualTo(307);
      assertThat(dir.header("Location")).contains("/dir/");
      assertThat(client.get("/dir/").text()).isEqualTo("dir");

      TestResponse encoded = client.get("/caf%C3%A9%20menu/");
      assertThat(encoded.status()).isEqualTo(307);
      assertThat(encoded.header("Location")).contains("/caf%C3%A9%20menu");
    }
  }

  @Test
  void aRouteOfAnotherMethodRedirectsToo() {
    try (TestClient client = TestClient.start(routes().build())) {
      // 307 keeps the method and body: the client posts again to /orders.
      TestResponse post = client.post("/orders/", "x", "text/plain");
      assertThat(post.status()).isEqualTo(307);
      assertThat(post.header("Location")).contains("/orders");
      // As Starlette: the twin fits a route of another method, so the redirect leads to its 405.
      TestResponse get = client.get("/orders/");
      assertThat(get.status()).isEqualTo(307);
      assertThat(client.get("/orders").status()).isEqualTo(405);
    }
  }

  @Test
  void noTwinNoRootAndOffAre404() {
    try (TestClient client = TestClient.start(routes().build())) {
      assertThat(client.get("/nothing/").status()).isEqualTo(404);
      assertThat(client.get("/nothing").status()).isEqualTo(404);
      assertThat(client.get("//").status()).isEqualTo(404);
    }
    // Never a Location of "//host", which a browser reads as another site.
    App catchAll = App.builder().get("/{rest:path}", req -> Response.text("any")).build();
    try (TestClient client = TestClient.start(catchAll)) {
      TestResponse r = client.get("//evil.example/");
      assertThat(r.status()).isNotEqualTo(307);
      assertThat(r.header("Location")).isEmpty();
    }
    try (TestClient client = TestClient.start(routes().redirectSlashes(false).build())) {
      assertThat(client.get("/items/").status()).isEqualTo(404);
      assertThat(client.get("/dir").status()).isEqualTo(404);
    }
  }

  @Test
  void theRedirectPassesTheAppsMiddleware() {
    App app = routes().middleware(Cors.builder().allowOrigins("https://a.example").build()).build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.send(client.request("/items/").header("Origin", "https://a.example").GET());
      assertThat(r.status()).isEqualTo(307);
      assertThat(r.header("Access-Control-Allow-Origin")).contains("https://a.example");
    }
  }
}
