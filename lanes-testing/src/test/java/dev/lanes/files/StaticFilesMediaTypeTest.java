package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Content-Type of served files: by extension (any case), application/octet-stream when unknown. */
class StaticFilesMediaTypeTest {
  @TempDir Path root;

  @Test
  void commonWebFilesGetTheirTypes() throws Exception {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("page.html", "text/html; charset=utf-8"), Map.entry("app.mjs", "text/javascript; charset=utf-8"),
        Map.entry("LOGO.PNG", "image/png"), Map.entry("photo.avif", "image/avif"),
        Map.entry("font.ttf", "font/ttf"), Map.entry("font.otf", "font/otf"),
        Map.entry("site.webmanifest", "application/manifest+json"), Map.entry("app.js.map", "application/json"),
        Map.entry("clip.ogg", "audio/ogg"), Map.entry("sound.wav", "audio/wav"), Map.entry("film.mov", "video/quicktime"),
        Map.entry("data.bin", "application/octet-stream"), Map.entry("README", "application/octet-stream"),
        Map.entry("odd.qqq", "application/octet-stream"), Map.entry("trailing.", "application/octet-stream"));
    for (String name : expected.keySet()) {
      Files.writeString(root.resolve(name), "x");
    }
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/s", root, Optional.empty());
    try (TestClient c = TestClient.start(b.build())) {
      expected.forEach((name, type) -> assertThat(c.get("/s/" + name).header("content-type")).as(name).contains(type));
    }
  }
}
