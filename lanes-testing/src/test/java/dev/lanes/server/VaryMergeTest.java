package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.middleware.Cors;
import dev.lanes.middleware.Sessions;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A response whose handler or middleware said {@code Vary} itself, and which compression also
 * varies by {@code Accept-Encoding}, carries one {@code Vary} field with each token once
 * (case-insensitive), and {@code Vary: *} as it was: two lines mean the same list (RFC 9110 5.3),
 * but a cache or client that reads the first line only would miss {@code Accept-Encoding}, as
 * Starlette's {@code add_vary_header} merges them into one. In-memory bodies, files, 304s and
 * ranges; GET and HEAD; HTTP/1.1 (with and without {@code Accept-Encoding}: the compressor's two
 * paths) and h2c. {@code Cors} says {@code Vary: Origin} on every answer, and outside it
 * {@code Sessions} {@code Vary: Cookie} on one that read the session.
 */
class VaryMergeTest {
  private static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);
  @TempDir static Path dir;
  private static TestClient client;
  private static HttpClient h1;
  private static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("page.txt"), TEXT);
    App app = App.builder()
        .middleware(Sessions.builder("a secret long enough for the signature, 32+").build())
        .middleware(Cors.builder().allowOrigins("https://app.example.com").build())
        .get("/plain", req -> Response.text(TEXT))
        .get("/origin", req -> Response.text(TEXT).withHeader("Vary", "Origin"))
        .get("/same", req -> Response.text(TEXT).withHeader("Vary", "accept-encoding"))
        .get("/two-lines", req -> Response.text(TEXT).withHeader("Vary", "Cookie").withHeader("Vary", "origin"))
        // Read the session: Sessions, outside Cors, says Vary: Cookie.
        .get("/session", req -> Response.text(TEXT + Sessions.of(req).get("user").orElse("")))
        .get("/session-small", req -> Response.text("short" + Sessions.of(req).get("user").orElse("")))
        .get("/star", req -> Response.text(TEXT).withHeader("Vary", "*"))
        .get("/small", req -> Response.text("short"))
        .get("/small-own", req -> Response.text("short").withHeader("Vary", "User-Agent"))
        .get("/small-origin", req -> Response.text("short").withHeader("Vary", "origin"))
        .get("/page", req -> FileResponse.of(req, dir.resolve("page.txt")).withHeader("Vary", "User-Agent"))
        .get("/memory", req -> req.header("if-none-match").isPresent()
            ? Response.of(304, "text/plain; charset=utf-8", new ResponseBody.Bytes(new byte[0]))
                .withHeader("ETag", "\"m1\"").withHeader("Vary", "User-Agent")
            : Response.text(TEXT).withHeader("ETag", "\"m1\"").withHeader("Vary", "User-Agent"))
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
  void aCompressibleResponseSaysOneVaryWithEachTokenOnce() throws Exception {
    assertVary("/plain", Map.of(), "origin, accept-encoding");
    assertVary("/origin", Map.of(), "origin, accept-encoding");
    assertVary("/same", Map.of(), "accept-encoding, origin");
    assertVary("/two-lines", Map.of(), "cookie, origin, accept-encoding");
    assertVary("/session", Map.of(), "origin, cookie, accept-encoding");
    assertVary("/page", Map.of(), "user-agent, origin, accept-encoding");
    assertVary("/memory", Map.of(), "user-agent, origin, accept-encoding");
  }

  @Test
  void aStarIsLeftAsItIs() throws Exception {
    assertVary("/star", Map.of(), "*");
  }

  @Test
  void aBodyTooSmallToCompressSaysOnlyItsOwnVary() throws Exception {
    assertVary("/small", Map.of(), "origin");
    assertVary("/session-small", Map.of(), "origin, cookie");
    assertVary("/small-own", Map.of(), "user-agent, origin");
    assertVary("/small-origin", Map.of(), "origin");
  }

  @Test
  void notModifiedAndRangesSayTheOneVaryOfTheir200() throws Exception {
    String fileTag = client.get("/page").header("etag").orElseThrow();
    assertVary("/page", Map.of("If-None-Match", fileTag), "user-agent, origin, accept-encoding");
    assertVary("/page", Map.of("Range", "bytes=3-12"), "user-agent, origin, accept-encoding");
    assertVary("/page", Map.of("Range", "bytes=3-12,20-29"), "user-agent, origin, accept-encoding");
    assertVary("/memory", Map.of("If-None-Match", "\"m1\""), "user-agent, origin, accept-encoding");
  }

  /** Every method, protocol and Accept-Encoding gets exactly {@code expected} as its one Vary line. */
  private static void assertVary(String path, Map<String, String> headers, String expected) throws Exception {
    for (String method : List.of("GET", "HEAD")) {
      for (String acceptEncoding : new String[] {null, "gzip"}) {
        for (HttpClient c : List.of(h1, h2)) {
          HttpRequest.Builder r = HttpRequest.newBuilder(client.uri(path))
              .method(method, HttpRequest.BodyPublishers.noBody());
          headers.forEach(r::header);
          if (acceptEncoding != null) {
            r.header("Accept-Encoding", acceptEncoding);
          }
          HttpResponse<Void> response = c.send(r.build(), HttpResponse.BodyHandlers.discarding());
          String what = method + " " + path + " " + headers + " " + c.version() + " Accept-Encoding " + acceptEncoding
              + " (" + response.statusCode() + ")";
          assertThat(response.version()).as(what).isEqualTo(c.version());
          assertThat(response.headers().allValues("vary").stream().map(v -> v.toLowerCase(Locale.ROOT)).toList())
              .as(what).containsExactly(expected);
        }
      }
    }
  }
}
