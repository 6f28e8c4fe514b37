package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code FileRange} given by path only is opened by the server on the event loop: a path that
 * is not a regular file (a FIFO, whose open blocks until a writer comes) is a 500 for that
 * request, never a loop blocked for every connection on it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileRangeNotRegularTest {
  @TempDir Path dir;

  @Test
  void aFifoIsA500AndTheLoopStaysFree() throws Exception {
    Path fifo = dir.resolve("pipe");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    } catch (java.io.IOException e) {
      Assumptions.abort("no mkfifo here: " + e.getMessage());
      return;
    }
    Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
    App app = App.builder()
        .get("/fifo", req -> Response.of(200, "text/plain", new ResponseBody.FileRange(fifo, 0, 10)))
        .get("/ok", req -> Response.text("ok"))
        .build();
    // One event loop: were it blocked, the next request could not be answered.
    try (TestClient c = TestClient.start(app, ServerConfig.builder().port(0).ioThreads(1)
        .shutdownGrace(Duration.ofSeconds(5)))) {
      try {
        assertThat(c.get("/fifo").status()).isEqualTo(500);
        assertThat(c.get("/ok").text()).isEqualTo("ok");
      } finally {
        // Releases a loop blocked opening the FIFO (when it is), so that the server can close.
        Thread.ofPlatform().daemon().start(() -> {
          try (FileOutputStream writer = new FileOutputStream(fifo.toFile())) {
            writer.write(new byte[0]);
          } catch (java.io.IOException ignored) {
            // nothing was waiting
          }
        });
      }
    }
  }
}
