package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's own 404 page (Starlette's {@code StaticFiles(html=True)} serves {@code 404.html}):
 * answered with status 404 for whatever is not found under the mount. Conditions and ranges
 * are about a 200's representation and do not apply to it (RFC 9110 13.2.1, 14.2).
 */
class StaticFilesNotFoundPageTest {
  @TempDir Path root;

  @BeforeEach
  void site() throws Exception {
    Files.writeString(root.resolve("index.html"), "home");
    Files.writeString(root.resolve("404.html"), "<h1>no such page</h1>");
    Files.createDirectories(root.resolve("empty-dir"));
  }

  private TestClient serve(Optional<String> notFoundPage) {
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/s", root, Optional.of("index.html"), notFoundPage);
    return TestClient.start(b.build());
  }

  @Test
  void whatIsNotFoundGetsTheSitesPageWith404() throws Exception {
    try (TestClient c = serve(Optional.of("404.html"))) {
      for (String path : new String[] {"/s/missing.html", "/s/deep/er/missing", "/s/empty-dir/"}) {
        TestResponse r = c.get(path);
        assertThat(r.status()).as(path).isEqualTo(404);
        assertThat(r.text()).as(path).isEqualTo("<h1>no such page</h1>");
        assertThat(r.header("content-type")).as(path).contains("text/html; charset=utf-8");
      }
      assertThat(c.get("/s/").text()).isEqualTo("home");
      TestResponse conditional = c.send(c.request("/s/missing.html").header("If-None-Match", "*"));
      assertThat(conditional.status()).as("no 304 for what is not there").isEqualTo(404);
      TestResponse ranged = c.send(c.request("/s/missing.html").header("Range", "bytes=0-1"));
      assertThat(ranged.status()).isEqualTo(404);
      assertThat(ranged.text()).isEqualTo("<h1>no such page</h1>");
      try (RawClient raw = RawClient.connect(c.port())) {
        String head = raw.send("HEAD /s/missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
        assertThat(head).startsWith("HTTP/1.1 404").containsIgnoringCase("content-length: 21").endsWith("\r\n\r\n");
      }
      c.awaitIdle();
    }
  }

  @Test
  void withoutThePageOrWithoutItsFileThe404IsPlain() throws Exception {
    try (TestClient c = serve(Optional.empty())) {
      assertThat(c.get("/s/missing").text()).isEqualTo("Not Found");
    }
    Files.delete(root.resolve("404.html"));
    try (TestClient c = serve(Optional.of("404.html"))) {
      TestResponse r = c.get("/s/missing");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).isEqualTo("Not Found");
    }
  }
}
