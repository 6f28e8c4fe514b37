package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file truncated in place while its body is sent, on the paths {@code FileConditionsTest}'s
 * chunked one leaves: zero-copy (sendfile), multipart/byteranges (parts zero-copy between their
 * texts), and HTTP/2 (a whole file, and several ranges). The client must see the response cut (the connection closed, the stream reset), never a
 * hang and never a silently short body passed off as whole; the files lane gets its token back.
 */
@Timeout(60)
class FileTruncatedWhileSentTest {
  @TempDir Path dir;
  Path big;
  TestClient server;

  @BeforeEach
  void start() throws Exception {
    byte[] data = new byte[24 << 20]; // far more than the socket buffers and an h2 stream window hold
    new Random(3).nextBytes(data);
    big = Files.write(dir.resolve("big.bin"), data);
  }

  private TestClient serve() {
    App app = App.builder().get("/big", req -> FileResponse.of(req, big)).build();
    return TestClient.start(app, ServerConfig.builder().h2c(true));
  }

  private void truncate() throws IOException {
    try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
      ch.truncate(1000); // the server has sent past this already
    }
  }

  private void cutOverHttp1(String request) throws Exception {
    try (TestClient c = serve(); RawClient raw = RawClient.connectWithReceiveBuffer(c.port(), 4096)) {
      String head = raw.send(request).readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 206").containsIgnoringCase("content-length");
      truncate();
      RawClient.Transcript rest = raw.readUntilClosed();
      assertThat(rest.closed()).as("the connection is cut, not left hanging").isTrue();
      c.awaitIdle();
    }
  }

  @Test
  void zeroCopyCutsTheConnection() throws Exception {
    cutOverHttp1("GET /big HTTP/1.1\r\nHost: x\r\nRange: bytes=0-\r\n\r\n");
  }

  @Test
  void multipleRangesCutTheConnection() throws Exception {
    cutOverHttp1("GET /big HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9,100-\r\n\r\n");
  }

  @Test
  void http2ResetsTheStream() throws Exception {
    cutOverHttp2(null); // the whole file
  }

  @Test
  void multipleRangesResetTheStream() throws Exception {
    cutOverHttp2("bytes=0-9,100-");
  }

  private void cutOverHttp2(String range) throws Exception {
    try (TestClient c = serve(); HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(c.uri("/big"));
      if (range != null) {
        request.header("Range", range);
      }
      HttpResponse<InputStream> r = h2.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      try (InputStream body = r.body()) {
        body.readNBytes(1000);
        truncate();
        assertThatThrownBy(body::readAllBytes).as("the stream is reset, the short body not passed off as whole")
            .isInstanceOf(IOException.class);
      }
      c.awaitIdle();
    }
  }
}
