package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.files.StaticFiles;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app served under a path prefix by a proxy ({@code App.Builder.rootPath}, FastAPI's
 * {@code root_path}), over real sockets: routes match the path as received with or without the
 * prefix (Starlette's {@code get_route_path}), and URLs built for a request carry it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RootPathTest {
  private static App app(String rootPath) {
    return App.builder().rootPath(rootPath)
        .route("GET", "/items/{id:int}", RouteOptions.defaults().name("read_item"),
            (BlockingHandler) req -> Response.text(req.pathParams().get("id") + " " + req.path() + " "
                + req.urlFor("read_item", Map.of("id", 7)) + " " + req.rootPath()))
        .get("/x", req -> Response.text("x"))
        .get("/api/x", req -> Response.text("api x"))
        .get("/dir/", req -> Response.text("dir"))
        .get("/", req -> Response.text("root"))
        .build();
  }

  @Test
  void routesMatchWithOrWithoutThePrefixAndUrlsCarryIt() {
    try (TestClient c = TestClient.start(app("/api"))) {
      String origin = "http://127.0.0.1:" + c.port();
      // A proxy that strips the prefix, and one that passes it on: the same route, the path as received.
      assertThat(c.get("/items/5").text()).isEqualTo("5 /items/5 " + origin + "/api/items/7 /api");
      assertThat(c.get("/api/items/5").text()).isEqualTo("5 /api/items/5 " + origin + "/api/items/7 /api");
      // As Starlette: the prefix comes off a path that starts with it, so /api/x is the app's /x
      // there, and the app's /api/x is reached by /api/api/x.
      assertThat(c.get("/api/x").text()).isEqualTo("x");
      assertThat(c.get("/api/api/x").text()).isEqualTo("api x");
      assertThat(c.get("/x").text()).isEqualTo("x");
      // Only at a segment boundary: /apix is not under /api.
      assertThat(c.get("/apix").status()).isEqualTo(404);
      assertThat(c.get("/api/").text()).isEqualTo("root");
    }
  }

  @Test
  void slashRedirectsStayUnderThePrefix() {
    try (TestClient c = TestClient.start(app("/api"))) {
      // The prefix alone is the app's root without its slash (Starlette: 307 to /api/).
      TestResponse bare = c.get("/api?q=1");
      assertThat(bare.status()).isEqualTo(307);
      assertThat(bare.header("location")).contains("/api/?q=1");
      assertThat(c.get("/api/dir").header("location")).contains("/api/dir/");
      // A path the proxy stripped is sent back under the prefix, where the client can reach it.
      assertThat(c.get("/dir").header("location")).contains("/api/dir/");
    }
  }

  @Test
  void aStaticDirectoryRedirectStaysUnderThePrefix(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/index.html"), "docs home");
    App app = StaticFiles.of(root).index("index.html").mount(App.builder().rootPath("/api").redirectSlashes(false), "/assets").build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.get("/assets/docs?x=1").header("location")).hasValue("/api/assets/docs/?x=1");
      assertThat(c.get("/api/assets/docs").header("location")).hasValue("/api/assets/docs/");
      assertThat(c.get("/api/assets/docs/").text()).isEqualTo("docs home");
    }
  }

  @Test
  void urlPathForIsThePathWithinTheApp() {
    try (App app = app("/api/")) {
      assertThat(app.rootPath()).isEqualTo("/api");
      assertThat(app.urlPathFor("read_item", Map.of("id", 3))).isEqualTo("/items/3");
      Request req = Request.builder("GET", "/").urlPaths(app::urlPathFor).host("example.com")
          .rootPath(app.rootPath()).build();
      assertThat(req.urlFor("read_item", Map.of("id", 3))).isEqualTo("http://example.com/api/items/3");
    }
  }

  @Test
  void withoutARootPathNothingChanges() {
    try (TestClient c = TestClient.start(app("/"))) {
      String origin = "http://127.0.0.1:" + c.port();
      assertThat(c.get("/items/5").text()).isEqualTo("5 /items/5 " + origin + "/items/7 ");
      assertThat(c.get("/api/x").text()).isEqualTo("api x");
      assertThat(c.get("/api/items/5").status()).isEqualTo(404);
    }
  }

  @Test
  void aRootPathThatIsNoUrlPathIsRefusedNamingWhy() {
    assertThat(App.builder().rootPath("/a%C3%A9/v1/").build().rootPath()).isEqualTo("/a%C3%A9/v1");
    assertThatThrownBy(() -> App.builder().rootPath("api")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'api'").hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> App.builder().rootPath("/a/../b")).hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> App.builder().rootPath("/a/%2e%2E")).hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> App.builder().rootPath("//evil.example")).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> App.builder().rootPath("/a%2Fb")).hasMessageContaining("encodes a '/'");
    assertThatThrownBy(() -> App.builder().rootPath("/a%0d%0aX: y")).hasMessageContaining("control character");
    assertThatThrownBy(() -> App.builder().rootPath("/a%zz")).hasMessageContaining("two hex digits");
    assertThatThrownBy(() -> App.builder().rootPath("/a b")).hasMessageContaining("percent-encode");
    assertThatThrownBy(() -> App.builder().rootPath("/a\r\n")).hasMessageContaining("'/a??'");
    assertThatThrownBy(() -> App.builder().rootPath("/a?b")).hasMessageContaining("percent-encode");
  }

  @Test
  void aPercentEncodedPrefixMatchesTheDecodedPath() {
    try (TestClient c = TestClient.start(app("/caf%c3%a9"))) {
      String origin = "http://127.0.0.1:" + c.port();
      assertThat(c.get("/caf%C3%A9/items/5").text())
          .isEqualTo("5 /caf\u00e9/items/5 " + origin + "/caf%c3%a9/items/7 /caf%c3%a9");
      // The path arrived with the prefix (its escapes spelt otherwise): the redirect does not add it again.
      assertThat(c.get("/caf%C3%A9/dir").header("location")).hasValue("/caf%C3%A9/dir/");
      assertThat(c.get("/dir").header("location")).hasValue("/caf%c3%a9/dir/");
    }
  }
}
