package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /static} with ranges and validators, only when a directory is given; {@code /upload} digests every part. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilesAndUploadsTest {
  private static final Path STATIC = Path.of("static"); // examples/static; tests run in the module dir
  private static final String BOUNDARY = "recipe-boundary";

  @Test
  void staticFilesAnswerRangesAndValidators() throws Exception {
    byte[] hello = Files.readAllBytes(STATIC.resolve("hello.txt"));
    try (TestClient client = TestClient.start(FilesAndUploads.addTo(App.builder(), Optional.of(STATIC)).build())) {
      TestResponse range = client.send(client.request("/static/hello.txt").header("Range", "bytes=0-4"));
      assertThat(range.status()).isEqualTo(206);
      assertThat(range.text()).isEqualTo(new String(hello, 0, 5, StandardCharsets.UTF_8));

      TestResponse whole = client.get("/static/hello.txt");
      assertThat(whole.body()).isEqualTo(hello);
      String etag = whole.header("etag").orElseThrow();
      TestResponse again = client.send(client.request("/static/hello.txt").header("If-None-Match", etag));
      assertThat(again.status()).isEqualTo(304);
      assertThat(again.body()).isEmpty();
    }
  }

  @Test
  void withoutADirectoryThereIsNoStaticRoute() {
    try (TestClient client = TestClient.start(FilesAndUploads.addTo(App.builder(), Optional.empty()).build())) {
      assertThat(client.get("/static/hello.txt").status()).isEqualTo(404);
      assertThat(client.post("/upload", multipart(part("note", "", "hi".getBytes(StandardCharsets.UTF_8))),
          "multipart/form-data; boundary=" + BOUNDARY).status()).isEqualTo(200);
    }
  }

  @Test
  void uploadsAnswerFilesThenFieldsEachWithItsDigest() throws Exception {
    byte[] big = new byte[2 * 1024 * 1024 + 17]; // over 1 MiB: spooled to a temporary file
    new Random(4).nextBytes(big);
    byte[] small = "small\n".getBytes(StandardCharsets.UTF_8);
    byte[] body = multipart(
        part("note", "", "hi".getBytes(StandardCharsets.UTF_8)),
        part("big", "big.bin", big),
        part("small", "small.txt", small));
    try (TestClient client = TestClient.start(FilesAndUploads.addTo(App.builder(), Optional.empty()).build())) {
      TestResponse r = client.post("/upload", body, "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      JsonNode parts = r.json().get("parts");
      assertThat(parts).hasSize(3);
      assertThat(parts.get(0).get("filename").asText()).isEqualTo("big.bin");
      assertThat(parts.get(0).get("size").asLong()).isEqualTo(big.length);
      assertThat(parts.get(0).get("sha256").asText()).isEqualTo(sha256(big));
      assertThat(parts.get(1).get("filename").asText()).isEqualTo("small.txt");
      assertThat(parts.get(1).get("sha256").asText()).isEqualTo(sha256(small));
      assertThat(parts.get(2).get("name").asText()).isEqualTo("note");
      assertThat(parts.get(2).get("size").asInt()).isEqualTo(2);
      assertThat(parts.get(2).has("filename")).isFalse();
    }
  }

  /** A field sent twice is two parts, each answered (the second was dropped). */
  @Test
  void aRepeatedFieldIsAnsweredOncePerPart() throws Exception {
    byte[] body = multipart(part("tag", "", "a".getBytes(StandardCharsets.UTF_8)),
        part("tag", "", "bc".getBytes(StandardCharsets.UTF_8)));
    try (TestClient client = TestClient.start(FilesAndUploads.addTo(App.builder(), Optional.empty()).build())) {
      TestResponse r = client.post("/upload", body, "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      JsonNode parts = r.json().get("parts");
      assertThat(parts).hasSize(2);
      assertThat(parts.get(0).get("size").asInt()).isEqualTo(1);
      assertThat(parts.get(1).get("sha256").asText()).isEqualTo(sha256("bc".getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** One multipart part: a file if {@code filename} is not empty, else a field. */
  private static byte[] part(String name, String filename, byte[] content) {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
        + (filename.isEmpty() ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream")
        + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] multipart(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
