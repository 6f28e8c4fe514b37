package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 15.4.5: a 304 carries the {@code Vary} its 200 would have. With compression on, a
 * compressible 200 says {@code Vary: Accept-Encoding} (also to a client that asked for no
 * coding), so its 304 must too, whichever validator the client revalidates with; a 200 that
 * could not be compressed (another type, too small, a route that turned compression off) has no
 * such {@code Vary}, and neither has its 304. Over HTTP/1.1 (with and without
 * {@code Accept-Encoding}: the compressor's two paths) and h2c.
 */
class NotModifiedVaryTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);
  @TempDir static Path dir;
  private static TestClient client;
  private static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("page.txt"), TEXT);
    Files.writeString(dir.resolve("photo.png"), TEXT);
    Files.writeString(dir.resolve("tiny.txt"), "short");
    App app = App.builder()
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.txt")))
        .get("/photo", req -> FileResponse.of(req, dir.resolve("photo.png")))
        .get("/tiny", req -> FileResponse.of(req, dir.resolve("tiny.txt")))
        .route("GET", "/secret", RouteOptions.defaults().compress(false),
            (BlockingHandler) req -> FileResponse.of(req, dir.resolve("page.txt")))
        // A handler answering its own 304 with the type of its 200: the server can tell.
        .get("/memory", req -> req.header("if-none-match").isPresent()
            ? Response.of(304, "text/plain; charset=utf-8", new ResponseBody.Bytes(new byte[0])).withHeader("ETag", "\"m1\"")
            : Response.text(TEXT).withHeader("ETag", "\"m1\""))
        // ...and with the 200's length too, below the minimum size: its 200 had no Vary.
        .get("/memory-small", req -> Response.of(304, "text/plain; charset=utf-8", new ResponseBody.Bytes(new byte[0]))
            .withHeader("ETag", "\"m2\"").withHeader("Content-Length", "5"))
        // ...with the 200's length, large enough: compressed for a client that accepts a coding.
        .get("/memory-length", req -> Response.of(304, "text/plain; charset=utf-8", new ResponseBody.Bytes(new byte[0]))
            .withHeader("ETag", "\"m4\"").withHeader("Content-Length", Integer.toString(TEXT.length())))
        // Without a type the server cannot know what its 200 was: the 304 goes as the handler built it.
        .get("/memory-untyped", req -> Response.status(304).withHeader("ETag", "\"m3\""))
        .build();
    client = TestClient.start(app, ServerConfig.builder().compression(Compression.on().minSize(1024)).h2c(true));
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  @AfterAll
  static void stop() {
    h2.close();
    client.close();
  }

  @Test
  void aCompressibleFilesNotModifiedSaysVaryWhateverTheValidator() throws Exception {
    String strong = client.get("/page").header("etag").orElseThrow();
    assertThat(client.get("/page").header("vary")).as("the 200 without Accept-Encoding").isPresent();
    String lastModified = client.get("/page").header("last-modified").orElseThrow();
    for (List<String> condition : List.of(List.of("If-None-Match", strong), List.of("If-Modified-Since", lastModified),
        List.of("If-None-Match", "W/" + strong))) {
      for (String acceptEncoding : new String[] {null, "gzip"}) {
        assertThat(vary("/page", condition, acceptEncoding))
            .as("304 to %s, Accept-Encoding %s", condition, acceptEncoding).containsExactly("accept-encoding");
      }
    }
  }

  @Test
  void aFileThatCouldNotBeCompressedHasNoVaryOnItsNotModified() throws Exception {
    for (String path : List.of("/photo", "/tiny", "/secret")) {
      String etag = client.get(path).header("etag").orElseThrow();
      assertThat(client.get(path).header("vary")).as("the 200 of %s", path).isEmpty();
      for (String acceptEncoding : new String[] {null, "gzip"}) {
        assertThat(vary(path, List.of("If-None-Match", etag), acceptEncoding))
            .as("304 of %s, Accept-Encoding %s", path, acceptEncoding).isEmpty();
      }
    }
  }

  @Test
  void aHandlersOwnNotModifiedIsJudgedByTheTypeAndLengthItGives() throws Exception {
    for (String acceptEncoding : new String[] {null, "gzip"}) {
      assertThat(vary("/memory", List.of("If-None-Match", "\"m1\""), acceptEncoding))
          .as("typed 304, Accept-Encoding %s", acceptEncoding).containsExactly("accept-encoding");
      assertThat(vary("/memory-small", List.of("If-None-Match", "\"m2\""), acceptEncoding))
          .as("304 of a 200 below minSize, Accept-Encoding %s", acceptEncoding).isEmpty();
      assertThat(vary("/memory-untyped", List.of("If-None-Match", "\"m3\""), acceptEncoding))
          .as("untyped 304, Accept-Encoding %s", acceptEncoding).isEmpty();
    }
  }

  /**
   * RFC 9110 15.4.5 names ETag too: a client that would get the 200 compressed would get its weak
   * tag, so its 304 names that, as the HEAD's head does; a weak tag also selects a stored identity
   * copy for update (RFC 9111 4.3.4), a strong one never selects the compressed copy. A client
   * without Accept-Encoding gets the tag as the handler or file gave it.
   */
  @Test
  void aNotModifiedToAClientThatWouldGetTheBodyCompressedNamesTheWeakTag() throws Exception {
    String strong = client.get("/page").header("etag").orElseThrow();
    assertThat(etag("/page", strong, "gzip")).isEqualTo("W/" + strong);
    assertThat(etag("/page", strong, null)).isEqualTo(strong);
    assertThat(etag("/memory", "\"m1\"", "gzip")).isEqualTo("W/\"m1\"");
    assertThat(etag("/memory", "\"m1\"", null)).isEqualTo("\"m1\"");
    assertThat(etag("/memory", "\"m1\"", "identity")).as("no coding accepted").isEqualTo("\"m1\"");
    String photo = client.get("/photo").header("etag").orElseThrow();
    assertThat(etag("/photo", photo, "gzip")).as("never compressed").isEqualTo(photo);
  }

  /**
   * RFC 9110 8.6: a 304 may carry a {@code Content-Length} only with the length its 200 would have
   * for the same request. A client that would get that 200 compressed gets it without one (its
   * length is not known without compressing it), so the identity length a handler's 304 gives is
   * not sent to it, as a HEAD's head leaves it out; a client that would get the identity body gets it.
   */
  @Test
  void aNotModifiedToAClientThatWouldGetTheBodyCompressedSendsNoIdentityLength() throws Exception {
    for (String acceptEncoding : new String[] {null, "gzip"}) {
      var h1Request = client.request("/memory-length").header("If-None-Match", "\"m4\"");
      HttpRequest.Builder h2Request = HttpRequest.newBuilder(client.uri("/memory-length"))
          .header("If-None-Match", "\"m4\"");
      if (acceptEncoding != null) {
        h1Request.header("Accept-Encoding", acceptEncoding);
        h2Request.header("Accept-Encoding", acceptEncoding);
      }
      var h1 = client.send(h1Request);
      HttpResponse<byte[]> viaH2 = h2.send(h2Request.build(), HttpResponse.BodyHandlers.ofByteArray());
      String expected = acceptEncoding == null ? Integer.toString(TEXT.length()) : null;
      assertThat(h1.status()).isEqualTo(304);
      assertThat(h1.header("content-length").orElse(null)).as("HTTP/1.1, Accept-Encoding %s", acceptEncoding)
          .isEqualTo(expected);
      assertThat(viaH2.statusCode()).isEqualTo(304);
      assertThat(viaH2.headers().firstValue("content-length").orElse(null)).as("h2c, Accept-Encoding %s", acceptEncoding)
          .isEqualTo(expected);
    }
  }

  /** The ETag of the 304 to {@code If-None-Match: tag}, the same over HTTP/1.1 and h2c (asserted here). */
  private static String etag(String path, String tag, String acceptEncoding) throws Exception {
    var h1Request = client.request(path).header("If-None-Match", tag);
    HttpRequest.Builder h2Request = HttpRequest.newBuilder(client.uri(path)).header("If-None-Match", tag);
    if (acceptEncoding != null) {
      h1Request.header("Accept-Encoding", acceptEncoding);
      h2Request.header("Accept-Encoding", acceptEncoding);
    }
    var h1 = client.send(h1Request);
    assertThat(h1.status()).isEqualTo(304);
    HttpResponse<byte[]> viaH2 = h2.send(h2Request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(viaH2.statusCode()).isEqualTo(304);
    assertThat(viaH2.headers().allValues("etag")).as("h2c as HTTP/1.1").isEqualTo(h1.headers().allValues("etag"));
    return h1.header("etag").orElseThrow();
  }

  @Test
  void aHeadRevalidatedGetsTheSameVary() throws Exception {
    String strong = client.get("/page").header("etag").orElseThrow();
    var h1 = client.send(client.request("/page").method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept-Encoding", "gzip").header("If-None-Match", strong));
    assertThat(h1.status()).isEqualTo(304);
    assertThat(lower(h1.headers().allValues("vary"))).containsExactly("accept-encoding");
  }

  /**
   * The {@code Vary} lines of the 304 to a GET of {@code path} with {@code condition}, the same
   * over HTTP/1.1 and h2c (asserted here); {@code acceptEncoding} null: none sent.
   */
  private static List<String> vary(String path, List<String> condition, String acceptEncoding) throws Exception {
    var h1Request = client.request(path).header(condition.get(0), condition.get(1));
    HttpRequest.Builder h2Request = HttpRequest.newBuilder(client.uri(path)).header(condition.get(0), condition.get(1));
    if (acceptEncoding != null) {
      h1Request.header("Accept-Encoding", acceptEncoding);
      h2Request.header("Accept-Encoding", acceptEncoding);
    }
    var h1 = client.send(h1Request);
    assertThat(h1.status()).as("HTTP/1.1 %s %s", path, condition).isEqualTo(304);
    assertThat(h1.body()).isEmpty();
    HttpResponse<byte[]> viaH2 = h2.send(h2Request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(viaH2.statusCode()).as("h2c %s %s", path, condition).isEqualTo(304);
    assertThat(viaH2.body()).isEmpty();
    // The type a 304 keeps tells the server of its 200, and is not sent (RFC 9110 15.4.5).
    assertThat(h1.header("content-type")).as("HTTP/1.1 %s %s", path, condition).isEmpty();
    assertThat(viaH2.headers().firstValue("content-type")).as("h2c %s %s", path, condition).isEmpty();
    List<String> h1Vary = lower(h1.headers().allValues("vary"));
    assertThat(lower(viaH2.headers().allValues("vary"))).as("h2c as HTTP/1.1: %s %s", path, condition).isEqualTo(h1Vary);
    return h1Vary;
  }

  /** Field values compared as tokens: case-insensitive (RFC 9110 12.5.5). */
  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(java.util.Locale.ROOT)).toList();
  }
}
