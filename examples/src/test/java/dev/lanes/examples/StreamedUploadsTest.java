package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code PUT /upload} streams the body into a SHA-256, with a length or chunked, fast or slow. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamedUploadsTest {
  private static TestClient client;
  // Over the 256 KiB the server holds unread, so the reads wait for the client at least once.
  private static final byte[] BODY = new byte[700 * 1024 + 13];

  @BeforeAll
  static void start() {
    new Random(7).nextBytes(BODY);
    client = TestClient.start(StreamedUploads.addTo(App.builder()).build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void aBodyWithALengthIsCountedAndDigested() throws Exception {
    TestResponse r = client.request("PUT", "/upload", BODY);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertDigest(r.json(), BODY);
  }

  @Test
  void aChunkedBodyIsCountedAndDigested() throws Exception {
    TestResponse r = client.send(client.request("/upload")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(BODY))));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertDigest(r.json(), BODY);
  }

  @Test
  void aSlowReaderStillReadsItAll() throws Exception {
    byte[] small = new byte[3 * 64 * 1024];
    new Random(8).nextBytes(small);
    TestResponse r = client.request("PUT", "/upload?delay_ms=1", small);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertDigest(r.json(), small);
  }

  @Test
  void anEmptyBodyHasTheEmptyDigest() throws Exception {
    TestResponse r = client.request("PUT", "/upload", new byte[0]);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertDigest(r.json(), new byte[0]);
  }

  @Test
  void aDelayOutOfRangeIs400() {
    TestResponse r = client.request("PUT", "/upload?delay_ms=5000", new byte[] {1});
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("delay_ms must be 0..1000");
  }

  @Test
  void aLengthOverTheLimitIs413BeforeAnyBody() throws Exception {
    try (Socket s = new Socket("127.0.0.1", client.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (StreamedUploads.LIMIT + 1)
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int got = 0;
      for (int n; got < head.length && (n = in.read(head, got, head.length - got)) > 0; ) {
        got += n;
      }
      assertThat(new String(head, 0, got, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
    }
  }

  private static void assertDigest(JsonNode json, byte[] body) throws Exception {
    assertThat(json.get("bytes").asLong()).isEqualTo(body.length);
    assertThat(json.get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
  }
}
