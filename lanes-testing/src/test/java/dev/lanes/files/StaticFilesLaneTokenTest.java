package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * StaticFiles serves in the files lane: every answer gives the lane's token back, those without a
 * body (HEAD, 304, 412, 416, 404, a redirect) included, and a body of several ranges
 * (multipart/byteranges) holds none while its client reads, nor after it leaves mid-body.
 */
@Timeout(60)
class StaticFilesLaneTokenTest {
  @TempDir Path root;

  @Test
  void everyAnswerGivesTheFilesLaneTokenBack() throws Exception {
    byte[] data = new byte[8 << 20];
    new Random(5).nextBytes(data);
    Files.write(root.resolve("big.bin"), data);
    Files.writeString(root.resolve("a.txt"), "0123456789");
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("dir/index.html"), "i");
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/s", root, Optional.of("index.html"));
    try (TestClient c = TestClient.start(b.build())) {
      String etag = c.get("/s/a.txt").header("etag").orElseThrow();
      for (int i = 0; i < 10; i++) {
        assertThat(c.head("/s/a.txt").status()).isEqualTo(200);
        assertThat(c.send(c.request("/s/a.txt").header("If-None-Match", etag)).status()).isEqualTo(304);
        assertThat(c.send(c.request("/s/a.txt").header("If-Match", "\"x\"")).status()).isEqualTo(412);
        assertThat(c.send(c.request("/s/a.txt").header("Range", "bytes=99-")).status()).isEqualTo(416);
        assertThat(c.send(c.request("/s/a.txt").header("Range", "bytes=0-1,4-5")).status()).isEqualTo(206);
        assertThat(c.get("/s/missing").status()).isEqualTo(404);
        assertThat(c.get("/s/dir").status()).isEqualTo(307);
        assertThat(c.get("/s/dir/").text()).isEqualTo("i");
      }
      for (int i = 0; i < 5; i++) {
        try (RawClient raw = RawClient.connectWithReceiveBuffer(c.port(), 4096)) {
          raw.send("GET /s/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9,100-\r\n\r\n").readUntil("\r\n\r\n");
          raw.readBytes(1000);
          c.awaitIdle(); // the body is sent from the loop, not from the lane
        } // the client leaves mid-body
        c.awaitIdle();
      }
      c.awaitIdle();
    }
  }
}
