package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path that exists but whose real path cannot be had (a file deleted between the two looks, as
 * a deploy's sync does; here, deterministically, a link to a socket's {@code /proc} entry, which
 * names no path) is not found: 404, as Starlette answers, never a 500.
 */
class StaticFilesUnresolvableTest {
  @TempDir Path root;

  @Test
  void aPathWithoutARealPathIsNotFound() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc here");
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/static", root, Optional.empty());
    try (TestClient c = TestClient.start(b.build())) {
      Path socket;
      try (Stream<Path> open = Files.list(fds)) {
        socket = open.filter(fd -> {
          try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
          } catch (java.io.IOException e) {
            return false;
          }
        }).findFirst().orElse(null);
      }
      Assumptions.assumeTrue(socket != null, "no socket among this process's files");
      Files.createSymbolicLink(root.resolve("link"), socket);
      Assumptions.assumeTrue(Files.exists(root.resolve("link")), "the link does not resolve here");
      TestResponse r = c.get("/static/link");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).isEqualTo("Not Found");
    }
  }
}
