package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 15.3.7: a 206 sends the {@code Vary} its 200 would have. With compression on, a
 * compressible file's 200 says {@code Vary: Accept-Encoding}, so a range of it says so too, its
 * bytes never compressed and its ETag strong; a file that could not be compressed has no such
 * {@code Vary} on either; the same for several ranges ({@code multipart/byteranges}, whose head names
 * neither the file's type nor its length). GET and HEAD, HTTP/1.1 (with and without
 * {@code Accept-Encoding}) and h2c.
 */
class PartialContentVaryTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);
  @TempDir static Path dir;
  private static TestClient client;
  private static HttpClient h1;
  private static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("page.txt"), TEXT);
    Files.writeString(dir.resolve("photo.png"), TEXT);
    App app = App.builder()
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.txt")))
        .get("/photo", req -> FileResponse.of(req, dir.resolve("photo.png")))
        .build();
    client = TestClient.start(app, ServerConfig.builder().compression(Compression.on()).h2c(true));
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  @AfterAll
  static void stop() {
    h1.close();
    h2.close();
    client.close();
  }

  @Test
  void aRangeOfACompressibleFileSaysTheVaryOfItsWhole200() throws Exception {
    String etag = client.get("/page").header("etag").orElseThrow();
    assertThat(etag).doesNotStartWith("W/");
    for (String method : List.of("GET", "HEAD")) {
      for (String acceptEncoding : new String[] {null, "gzip"}) {
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
          String what = method + " " + version + " Accept-Encoding " + acceptEncoding;
          HttpResponse<byte[]> page = range("/page", method, acceptEncoding, version);
          assertThat(page.statusCode()).as(what).isEqualTo(206);
          assertThat(page.version()).as(what).isEqualTo(version);
          assertThat(lower(page.headers().allValues("vary"))).as(what).containsExactly("accept-encoding");
          assertThat(page.headers().firstValue("content-encoding")).as(what).isEmpty();
          assertThat(page.headers().firstValue("etag")).as(what).contains(etag);
          if (method.equals("GET")) {
            assertThat(new String(page.body())).as(what).isEqualTo(TEXT.substring(3, 13));
          }
          HttpResponse<byte[]> photo = range("/photo", method, acceptEncoding, version);
          assertThat(photo.statusCode()).as(what).isEqualTo(206);
          assertThat(photo.headers().allValues("vary")).as(what).isEmpty();
        }
      }
    }
  }

  @Test
  void severalRangesOfACompressibleFileSayTheVaryOfTheirWhole200() throws Exception {
    String etag = client.get("/page").header("etag").orElseThrow();
    for (String method : List.of("GET", "HEAD")) {
      for (String acceptEncoding : new String[] {null, "gzip"}) {
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
          String what = method + " " + version + " Accept-Encoding " + acceptEncoding;
          HttpResponse<byte[]> page = range("/page", method, acceptEncoding, version, "bytes=3-12,20-29");
          assertThat(page.statusCode()).as(what).isEqualTo(206);
          assertThat(page.headers().firstValue("content-type").orElseThrow()).as(what)
              .startsWith("multipart/byteranges");
          assertThat(lower(page.headers().allValues("vary"))).as(what).containsExactly("accept-encoding");
          assertThat(page.headers().firstValue("content-encoding")).as(what).isEmpty();
          assertThat(page.headers().firstValue("etag")).as(what).contains(etag);
          if (method.equals("GET")) {
            assertThat(new String(page.body())).as(what).contains(TEXT.substring(3, 13)).contains(TEXT.substring(20, 30));
          }
          HttpResponse<byte[]> photo = range("/photo", method, acceptEncoding, version, "bytes=3-12,20-29");
          assertThat(photo.statusCode()).as(what).isEqualTo(206);
          assertThat(photo.headers().allValues("vary")).as(what).isEmpty();
        }
      }
    }
  }

  private static HttpResponse<byte[]> range(String path, String method, String acceptEncoding,
      HttpClient.Version version) throws Exception {
    return range(path, method, acceptEncoding, version, "bytes=3-12");
  }

  private static HttpResponse<byte[]> range(String path, String method, String acceptEncoding,
      HttpClient.Version version, String ranges) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(client.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Range", ranges);
    if (acceptEncoding != null) {
      r.header("Accept-Encoding", acceptEncoding);
    }
    HttpClient c = version == HttpClient.Version.HTTP_2 ? h2 : h1;
    return c.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Field values compared as tokens: case-insensitive (RFC 9110 12.5.5). */
  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }
}
