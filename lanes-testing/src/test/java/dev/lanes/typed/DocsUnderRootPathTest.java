package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenAPI document and the docs pages of an app served under a path prefix (FastAPI's
 * {@code root_path}), over real sockets: the document lists the prefix in {@code servers}, and the
 * pages load the document and their assets under it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocsUnderRootPathTest {
  static final class Hello {
    @Get("/hello")
    String hello() {
      return "hi";
    }
  }

  private static TestClient start(String rootPath, TypedApi.Builder api) {
    App.Builder app = App.builder().rootPath(rootPath).middleware(ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true));
    return TestClient.start(api.controller(new Hello()).build().install(app).build());
  }

  private static String rawText(TestClient c, String target, String headers) {
    try (RawClient raw = RawClient.connect(c.port())) {
      RawResponse r = raw.send("GET " + target + " HTTP/1.1\r\nHost: app.internal\r\n" + headers + "\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      return r.text();
    }
  }

  @Test
  void theDocumentListsTheRootPathFirstInServers() {
    try (TestClient c = start("/api", TypedApi.builder().server("https://api.example"))) {
      // Reached with the prefix (a proxy that passes it on) and without (one that strips it).
      for (String path : new String[] {"/api/openapi.json", "/openapi.json"}) {
        JsonNode servers = c.get(path).json().path("servers");
        assertThat(servers.size()).isEqualTo(2);
        assertThat(servers.get(0).path("url").asText()).isEqualTo("/api");
        assertThat(servers.get(1).path("url").asText()).isEqualTo("https://api.example");
      }
      assertThat(c.get("/api/openapi.json").json().fieldNames()).toIterable()
          .startsWith("openapi", "info", "servers", "paths");
      assertThat(c.get("/api/hello").text()).contains("hi");
    }
  }

  @Test
  void aForwardedPrefixIsListedAndOneAlreadyListedIsNotAddedTwice() {
    try (TestClient c = start("", TypedApi.builder().server("/listed"))) {
      assertThat(c.get("/openapi.json").json().path("servers").findValuesAsText("url")).containsExactly("/listed");
      String proxied = rawText(c, "/openapi.json", "X-Forwarded-Prefix: /shop\r\n");
      assertThat(proxied).contains("\"servers\":[{\"url\":\"/shop\"},{\"url\":\"/listed\"}]");
      assertThat(rawText(c, "/openapi.json", "X-Forwarded-Prefix: /listed\r\n"))
          .contains("\"servers\":[{\"url\":\"/listed\"}]");
      // And the app's own document object is left as it was.
      assertThat(c.get("/openapi.json").json().path("servers").findValuesAsText("url")).containsExactly("/listed");
    }
    try (TestClient c = start("", TypedApi.builder())) {
      assertThat(c.get("/openapi.json").json().has("servers")).isFalse();
    }
  }

  @Test
  void thePagesLoadTheDocumentAndTheirAssetsUnderThePrefix() {
    try (TestClient c = start("/api", TypedApi.builder())) {
      assertThat(c.get("/api/docs").text()).contains("url: '/api/openapi.json'",
          "href=\"/api/docs/swagger-ui.css\"", "src=\"/api/docs/swagger-ui-bundle.js\"");
      assertThat(c.get("/api/redoc").text()).contains("<redoc spec-url=\"/api/openapi.json\">",
          "src=\"/api/redoc/redoc.standalone.js\"");
      assertThat(c.get("/api/docs/swagger-ui.css").status()).isEqualTo(200);
      assertThat(c.get("/api/redoc/redoc.standalone.js").status()).isEqualTo(200);
      // A proxy's prefix replaces the app's in what the page loads.
      assertThat(rawText(c, "/docs", "X-Forwarded-Prefix: /ext\r\n")).contains("url: '/ext/openapi.json'",
          "href=\"/ext/docs/swagger-ui.css\"");
    }
  }

  @Test
  void aPrefixCannotLeaveTheScriptOrTheAttribute() {
    try (TestClient c = start("", TypedApi.builder())) {
      // Quotes and '&' are path characters (sub-delims): the page escapes them where they land.
      String docs = rawText(c, "/docs", "X-Forwarded-Prefix: /a'b&c\r\n");
      assertThat(docs).contains("url: '/a\\u0027b\\u0026c/openapi.json'", "href=\"/a'b&amp;c/docs/swagger-ui.css\"");
      String redoc = rawText(c, "/redoc", "X-Forwarded-Prefix: /a'b&c\r\n");
      assertThat(redoc).contains("spec-url=\"/a'b&amp;c/openapi.json\"");
      // Without a prefix the page is the one built at startup.
      assertThat(c.get("/docs").text()).contains("url: '/openapi.json'", "href=\"/docs/swagger-ui.css\"");
    }
  }
}
