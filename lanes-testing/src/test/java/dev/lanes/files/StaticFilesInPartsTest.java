package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files in a {@code Routes} part (Starlette's {@code Mount("/v1", routes=[Mount("/assets",
 * StaticFiles(...))])}) and named for {@code urlFor} (Starlette's {@code url_for('static',
 * path=...)}), over real sockets: served under the part's whole prefix, nested parts too, the
 * directory redirect to the whole path, names under a namespace, the site's 404 page.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StaticFilesInPartsTest {
  @TempDir Path root;

  @BeforeEach
  void site() throws Exception {
    Files.createDirectories(root.resolve("css"));
    Files.createDirectories(root.resolve("docs"));
    Files.createDirectories(root.resolve("a b"));
    Files.writeString(root.resolve("css/site.css"), "body{}");
    Files.writeString(root.resolve("docs/index.html"), "docs home");
    Files.writeString(root.resolve("index.html"), "home");
    Files.writeString(root.resolve("404.html"), "<h1>gone</h1>");
    Files.writeString(root.resolve("a b/é?.txt"), "odd");
  }

  private StaticFiles files() {
    return StaticFiles.of(root).index("index.html");
  }

  @Test
  void aPartWithStaticFilesIncludedUnderAPrefixServesThemUnderTheWholePath() throws Exception {
    Routes v1 = Routes.create()
        .middleware(next -> req -> next.call(req).thenApply(r -> r.withHeader("X-Part", "v1")))
        .get("/ping", req -> Response.text("pong"));
    files().mount(v1, "/assets");
    try (TestClient c = TestClient.start(App.builder().include("/v1", v1).build())) {
      assertThat(c.get("/v1/ping").text()).isEqualTo("pong");
      TestResponse css = c.get("/v1/assets/css/site.css");
      assertThat(css.status()).isEqualTo(200);
      assertThat(css.text()).isEqualTo("body{}");
      assertThat(css.header("content-type").orElseThrow()).startsWith("text/css");
      assertThat(css.header("x-part")).as("the part's middleware wraps its files").contains("v1");
      assertThat(c.get("/v1/assets/").text()).isEqualTo("home");
      assertThat(c.get("/v1/assets/docs/").text()).isEqualTo("docs home");
      assertThat(c.get("/assets/css/site.css").status()).as("not at the part's own prefix alone").isEqualTo(404);
      assertThat(c.get("/v1/assets/missing.css").status()).isEqualTo(404);
    }
  }

  @Test
  void theDirectoryRedirectKeepsEveryPrefixOfNestedParts() throws Exception {
    Routes inner = files().mount(Routes.create(), "/assets");
    Routes api = Routes.create().include("/inner", inner);
    App app = App.builder().redirectSlashes(false).include("/v1", Routes.create().include("/api", api)).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.get("/v1/api/inner/assets/css/site.css").text()).isEqualTo("body{}");
      TestResponse dir = c.get("/v1/api/inner/assets/docs?x=1");
      assertThat(dir.status()).isEqualTo(307);
      assertThat(dir.header("location").orElseThrow()).isEqualTo("/v1/api/inner/assets/docs/?x=1");
      TestResponse top = c.get("/v1/api/inner/assets");
      assertThat(top.status()).isEqualTo(307);
      assertThat(top.header("location").orElseThrow()).isEqualTo("/v1/api/inner/assets/");
      assertThat(c.get(dir.header("location").orElseThrow()).text()).isEqualTo("docs home");
    }
  }

  @Test
  void aNamedMountGivesItsFilesUrlsPlainAndUnderANamespace() throws Exception {
    Routes api = Routes.create()
        .get("/where", req -> Response.text(req.urlFor("api:static", Map.of("path", "css/site.css"))));
    StaticFiles.of(root).name("static").mount(api, "/assets");
    App.Builder b = App.builder()
        .get("/where", req -> Response.text(req.urlFor("static", Map.of("path", "css/site.css"))))
        .get("/odd", req -> Response.text(req.urlFor("static", Map.of("path", "a b/é?.txt"))))
        .include("/v1", "api", api);
    StaticFiles.of(root).name("static").mount(b, "/static");
    App app = b.build();
    assertThat(app.urlPathFor("static", Map.of("path", "css/site.css"))).isEqualTo("/static/css/site.css");
    assertThat(app.urlPathFor("api:static", Map.of("path", "css/site.css"))).isEqualTo("/v1/assets/css/site.css");
    assertThatThrownBy(() -> app.urlPathFor("static", Map.of("path", ""))).hasMessageContaining("non-empty");
    try (TestClient c = TestClient.start(app)) {
      String plain = c.get("/where").text();
      assertThat(plain).isEqualTo("http://127.0.0.1:" + c.port() + "/static/css/site.css");
      assertThat(c.get("/v1/where").text()).isEqualTo("http://127.0.0.1:" + c.port() + "/v1/assets/css/site.css");
      String odd = c.get("/odd").text();
      assertThat(odd).endsWith("/static/a%20b/%C3%A9%3F.txt");
      // Each URL routes back to its file.
      assertThat(c.get(plain.substring(plain.indexOf("/static"))).text()).isEqualTo("body{}");
      assertThat(c.get("/v1/assets/css/site.css").text()).isEqualTo("body{}");
      assertThat(c.get(odd.substring(odd.indexOf("/static"))).text()).isEqualTo("odd");
    }
  }

  /**
   * FastAPI's own docs write {@code url_for('static', path='/styles.css')}: the file named with a
   * leading slash, which Starlette's mount drops, and a doubled slash it serves as the file too.
   * The URL built from it here must reach the file; it was a 404 (the file was looked up as an
   * absolute path). A doubled slash before a directory is still never redirected: a Location of
   * {@code //name/} names another host.
   */
  @Test
  void aPathGivenWithALeadingSlashAsInFastApisDocsReachesItsFile() throws Exception {
    App.Builder b = App.builder();
    files().name("static").mount(b, "/static");
    App app = b.build();
    String url = app.urlPathFor("static", Map.of("path", "/css/site.css"));
    try (TestClient c = TestClient.start(app)) {
      TestResponse css = c.get(url);
      assertThat(css.status()).as(url).isEqualTo(200);
      assertThat(css.text()).isEqualTo("body{}");
      assertThat(c.get("/static//docs/").text()).isEqualTo("docs home");
      TestResponse dir = c.get("/static//docs");
      assertThat(dir.status()).isEqualTo(404);
      assertThat(dir.header("location")).isEmpty();
    }
  }

  @Test
  void theSitesNotFoundPageAnswersInAPartToo() throws Exception {
    Routes v1 = files().notFoundPage("404.html").mount(Routes.create(), "/assets");
    try (TestClient c = TestClient.start(App.builder().include("/v1", v1).build())) {
      TestResponse r = c.get("/v1/assets/nope.html");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).isEqualTo("<h1>gone</h1>");
      assertThat(c.get("/v1/assets/css/site.css").text()).isEqualTo("body{}");
    }
  }

  @Test
  void theOldMountStillServesAndMistakesFailWhereWritten() throws Exception {
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/s", root, java.util.Optional.of("index.html"), java.util.Optional.of("404.html"));
    try (TestClient c = TestClient.start(b.build())) {
      assertThat(c.get("/s/css/site.css").text()).isEqualTo("body{}");
      assertThat(c.get("/s/nope").text()).isEqualTo("<h1>gone</h1>");
      assertThat(c.get("/s/docs").header("location").orElseThrow()).isEqualTo("/s/docs/");
    }
    assertThatThrownBy(() -> StaticFiles.of(root.resolve("missing"))).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> StaticFiles.of(root.resolve("index.html"))).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> files().mount(Routes.create(), "/assets/")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> files().name(" ")).hasMessageContaining("blank");
    Routes twice = Routes.create();
    files().name("static").mount(twice, "/a");
    files().name("static").mount(twice, "/b");
    assertThatThrownBy(() -> App.builder().include("", twice).build()).hasMessageContaining("'static' given twice");
  }
}
