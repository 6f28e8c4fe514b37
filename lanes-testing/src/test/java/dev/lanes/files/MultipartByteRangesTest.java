package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A {@code multipart/byteranges} 206 over real sockets. */
@Timeout(120)
class MultipartByteRangesTest {
  private static final String RANGES = "bytes=0-0,16380-16400,100000-1100000,-70000";

  @TempDir Path root;
  byte[] data;

  @BeforeEach
  void files() throws Exception {
    data = new byte[24 << 20];
    new Random(11).nextBytes(data);
    Files.write(root.resolve("big.bin"), data);
  }

  private App app() {
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/s", root, Optional.empty());
    return b.build();
  }

  @Test
  void aHeadNamesTheLengthItsGetSends() throws Exception {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      TestResponse get = c.send(c.request("/s/big.bin").header("Range", RANGES));
      HttpRequest head = HttpRequest.newBuilder(c.uri("/s/big.bin")).header("Range", RANGES)
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
      // Each answer has a boundary of its own: the length must not depend on it.
      for (int i = 0; i < 20; i++) {
        for (HttpClient client : new HttpClient[] {h1, h2}) {
          HttpResponse<Void> r = client.send(head, HttpResponse.BodyHandlers.discarding());
          assertThat(r.statusCode()).isEqualTo(206);
          assertThat(r.headers().firstValue("content-length")).contains(Integer.toString(get.body().length));
        }
      }
      c.awaitIdle();
    }
  }
}
