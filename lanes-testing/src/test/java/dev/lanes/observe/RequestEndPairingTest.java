package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every requestStart gets one requestEnd, also when the response cannot even be written. */
@Timeout(60)
class RequestEndPairingTest {
  @TempDir Path dir;

  @Test
  void aFileThatVanishesBeforeItIsWrittenStillEndsItsRequest() throws Exception {
    RecordingListener events = RecordingListener.create();
    Path file = Files.writeString(dir.resolve("page.txt"), "hello ".repeat(500));
    App app = App.builder().listener(events)
        .get("/page", req -> {
          // A file the server opens itself when it sends the response.
          Response r = Response.of(200, "text/plain", new ResponseBody.FileRange(file, 0, Files.size(file)));
          Files.delete(file); // gone between building the response and writing it
          return r;
        })
        .build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().compression(Compression.on()));
         RawClient raw = RawClient.connect(client.port())) {
      int mark = events.mark();
      RawResponse r = raw.send("GET /page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(500); // answered before any of its head went out
      events.await("requestEnd GET /page 500");
      assertThat(events.since(mark)).filteredOn(e -> e.startsWith("request"))
          .containsExactly("requestStart GET /page", "requestEnd GET /page 500");
    }
  }
}
