package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /docs} and {@code /redoc}: served from the webjars by the app (no CDN), movable, and off when asked. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocsPagesTest {
  static final class Hello {
    @Get("/hello")
    String hello() {
      return "hi";
    }
  }

  private static TestClient start(TypedApi.Builder api) {
    return TestClient.start(api.controller(new Hello()).build().install(App.builder()).build());
  }

  @Test
  void servesRedocAndItsBundleFromTheAppItself() {
    try (TestClient client = start(TypedApi.builder().title("Shop <1>"))) {
      TestResponse page = client.get("/redoc");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("content-type")).contains("text/html; charset=utf-8");
      assertThat(page.text()).contains("<title>Shop &lt;1&gt; - ReDoc</title>", "<redoc spec-url=\"/openapi.json\">",
          "src=\"/redoc/redoc.standalone.js\"").doesNotContain("https://", "http://");
      TestResponse js = client.get("/redoc/redoc.standalone.js");
      assertThat(js.status()).isEqualTo(200);
      assertThat(js.header("content-type")).contains("text/javascript; charset=utf-8");
      assertThat(js.header("cache-control")).contains("public, max-age=86400");
      assertThat(js.text()).contains("Redoc").hasSizeGreaterThan(500_000);
      assertThat(client.get("/docs").status()).isEqualTo(200);
    }
  }

  @Test
  void thePagesMoveWithTheirPathsAndPointAtTheDocument() {
    try (TestClient client = start(TypedApi.builder().openApiPath("/api/schema.json").docsPath("/api/swagger/")
        .redocPath("/api/reference"))) {
      assertThat(client.get("/api/reference").text()).contains("<redoc spec-url=\"/api/schema.json\">",
          "src=\"/api/reference/redoc.standalone.js\"");
      assertThat(client.get("/api/reference/redoc.standalone.js").status()).isEqualTo(200);
      assertThat(client.get("/api/swagger/").text()).contains("url: '/api/schema.json'",
          "src=\"/api/swagger/swagger-ui-bundle.js\"");
      assertThat(client.get("/api/swagger/swagger-ui.css").status()).isEqualTo(200);
      assertThat(client.get("/redoc").status()).isEqualTo(404);
      assertThat(client.get("/docs").status()).isEqualTo(404);
    }
  }

  @Test
  void eachPageTurnsOffAlone() {
    try (TestClient client = start(TypedApi.builder().redocPath(""))) {
      assertThat(client.get("/redoc").status()).isEqualTo(404);
      assertThat(client.get("/redoc/redoc.standalone.js").status()).isEqualTo(404);
      assertThat(client.get("/docs").status()).isEqualTo(200);
    }
    try (TestClient client = start(TypedApi.builder().docsPath(""))) {
      assertThat(client.get("/docs").status()).isEqualTo(404);
      assertThat(client.get("/redoc").status()).isEqualTo(200);
    }
    try (TestClient client = start(TypedApi.builder().openApiPath(""))) {
      assertThat(client.get("/openapi.json").status()).isEqualTo(404);
      assertThat(client.get("/docs").status()).isEqualTo(404);
      assertThat(client.get("/redoc").status()).isEqualTo(404);
      assertThat(client.get("/hello").text()).isEqualTo("\"hi\"");
    }
  }

  @Test
  void theDocsPagesStayOutOfTheDocument() {
    TypedApi api = TypedApi.builder().controller(new Hello()).build();
    assertThat(api.openApi().get("paths").fieldNames()).toIterable().containsExactly("/hello");
  }
}
