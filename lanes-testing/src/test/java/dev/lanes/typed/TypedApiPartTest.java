package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.routing.Middleware;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A typed API included as a part ({@link TypedApi#part()}) under a prefix and a namespace, into the
 * app or into another part with its own middleware, over real sockets: its routes, names, 422s,
 * and its document and docs pages served under the prefix, which the document lists first in
 * {@code servers} (as FastAPI lists a mounted sub-application's root path).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedApiPartTest {
  static final class Items {
    @Get("/items/{item_id}")
    String readItem(@Path long itemId) {
      return "item " + itemId;
    }
  }

  private static final Middleware TAGGED = next -> req -> next.call(req).thenApply(r -> r.withHeader("X-Part", "shop"));

  @Test
  void aTypedApiIncludedTwiceInAPartKeepsItsNamesApartAndServesItsDocsUnderEachPrefix() {
    TypedApi typed = TypedApi.builder().controller(new Items()).build();
    Routes shop = Routes.create().middleware(TAGGED)
        .include("/v1", "v1", typed.part())
        .include("/v2", "v2", typed.part());
    App app = typed.exceptionHandlers(App.builder().rootPath("/api").include("/shop", "shop", shop)).build();
    assertThat(app.urlPathFor("shop:v1:readItem", Map.of("item_id", 5))).isEqualTo("/shop/v1/items/5");
    assertThat(app.urlPathFor("shop:v2:readItem", Map.of("item_id", 5))).isEqualTo("/shop/v2/items/5");
    try (TestClient c = TestClient.start(app)) {
      TestResponse item = c.get("/shop/v1/items/5");
      assertThat(item.text()).contains("item 5");
      assertThat(item.header("x-part")).contains("shop");
      // the typed layer's 422, from the app's exception handlers, through the part's middleware
      TestResponse invalid = c.get("/shop/v2/items/abc");
      assertThat(invalid.status()).isEqualTo(422);
      assertThat(invalid.json().path("detail").get(0).path("loc").toString()).isEqualTo("[\"path\",\"item_id\"]");
      // the document: the API's own paths, the prefix it is served under first in servers
      JsonNode v1 = c.get("/shop/v1/openapi.json").json();
      assertThat(v1.path("paths").has("/items/{item_id}")).isTrue();
      assertThat(v1.path("servers").get(0).path("url").asText()).isEqualTo("/api/shop/v1");
      // reached with the root path too, and under the other prefix
      assertThat(c.get("/api/shop/v2/openapi.json").json().path("servers").get(0).path("url").asText())
          .isEqualTo("/api/shop/v2");
      assertThat(c.get("/shop/v1/docs").text()).contains("url: '/api/shop/v1/openapi.json'",
          "href=\"/api/shop/v1/docs/swagger-ui.css\"");
      assertThat(c.get("/shop/v1/docs/swagger-ui.css").status()).isEqualTo(200);
      assertThat(c.get("/shop/v2/redoc").text()).contains("<redoc spec-url=\"/api/shop/v2/openapi.json\">");
    }
  }

  @Test
  void installUnderAPrefixAndANamespace() {
    TypedApi typed = TypedApi.builder().controller(new Items()).build();
    try (App app = typed.install(App.builder(), "/v1", "v1").build(); TestClient c = TestClient.start(app)) {
      assertThat(app.urlPathFor("v1:readItem", Map.of("item_id", 7))).isEqualTo("/v1/items/7");
      assertThat(c.get("/v1/items/7").text()).contains("item 7");
      assertThat(c.get("/v1/items/x").status()).isEqualTo(422);
      assertThat(c.get("/v1/openapi.json").json().path("servers").get(0).path("url").asText()).isEqualTo("/v1");
      assertThat(c.get("/items/7").status()).isEqualTo(404);
    }
  }

  @Test
  void installedWithoutAPrefixTheDocumentNamesNoServer() {
    TypedApi typed = TypedApi.builder().controller(new Items()).build();
    try (TestClient c = TestClient.start(typed.install(App.builder()).build())) {
      assertThat(c.get("/openapi.json").json().has("servers")).isFalse();
    }
  }
}
