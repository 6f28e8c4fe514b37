package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root that is a symlink (a deploy's {@code current -> releases/N}) is followed on each request,
 * as Starlette resolves its directory per lookup: a deploy that swaps the link is served at once,
 * and the old release may be deleted.
 */
class StaticFilesSymlinkedRootTest {
  @TempDir Path dir;

  @Test
  void aSwappedRootLinkIsFollowed() throws Exception {
    Path one = Files.createDirectories(dir.resolve("releases/1"));
    Path two = Files.createDirectories(dir.resolve("releases/2"));
    Files.writeString(one.resolve("app.txt"), "one");
    Files.writeString(two.resolve("app.txt"), "two");
    Files.writeString(dir.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(two.resolve("escape.txt"), dir.resolve("secret.txt"));
    Path current = Files.createSymbolicLink(dir.resolve("current"), one);
    App.Builder b = App.builder();
    StaticFiles.of(current).mount(b, "/static");
    try (TestClient c = TestClient.start(b.build())) {
      assertThat(c.get("/static/app.txt").text()).isEqualTo("one");

      Path next = Files.createSymbolicLink(dir.resolve("current.next"), two);
      Files.move(next, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.delete(one.resolve("app.txt"));
      Files.delete(one);

      assertThat(c.get("/static/app.txt").text()).isEqualTo("two");
      assertThat(c.get("/static/escape.txt").status()).as("a link out of the new root").isEqualTo(404);
    }
  }
}
