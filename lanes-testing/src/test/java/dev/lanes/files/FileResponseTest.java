package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileResponseTest {
  @TempDir Path dir;
  Path root;
  Path file;

  @BeforeEach
  void files() throws Exception {
    root = Files.createDirectories(dir.resolve("public"));
    file = Files.writeString(root.resolve("abc.txt"), "0123456789abcdefghij");
    Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(dir.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
  }

  private App app() {
    App.Builder b = App.builder().get("/file", req -> FileResponse.of(req, file));
    StaticFiles.mount(b, "/static", root, Optional.of("index.html"));
    return b.build();
  }

  @Test
  void wholeFileWithValidators() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.get("/file");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("0123456789abcdefghij");
      assertThat(r.header("content-length")).contains("20");
      assertThat(r.header("content-type")).contains("text/plain; charset=utf-8");
      assertThat(r.header("etag")).isPresent();
      assertThat(r.header("last-modified")).isPresent();
      assertThat(r.header("accept-ranges")).contains("bytes");
    }
  }

  @Test
  void conditionalRequestsGet304() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse first = c.get("/file");
      String etag = first.header("etag").orElseThrow();
      TestResponse byTag = c.send(c.request("/file").header("If-None-Match", etag));
      assertThat(byTag.status()).isEqualTo(304);
      assertThat(byTag.body()).isEmpty();
      TestResponse byDate = c.send(c.request("/file").header("If-Modified-Since", first.header("last-modified").orElseThrow()));
      assertThat(byDate.status()).isEqualTo(304);
      TestResponse otherTag = c.send(c.request("/file").header("If-None-Match", "\"nope\""));
      assertThat(otherTag.status()).isEqualTo(200);
    }
  }

  @Test
  void singleSuffixOpenAndMultipleRanges() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse one = c.send(c.request("/file").header("Range", "bytes=2-5"));
      assertThat(one.status()).isEqualTo(206);
      assertThat(one.text()).isEqualTo("2345");
      assertThat(one.header("content-range")).contains("bytes 2-5/20");
      assertThat(c.send(c.request("/file").header("Range", "bytes=-3")).text()).isEqualTo("hij");
      assertThat(c.send(c.request("/file").header("Range", "bytes=17-")).text()).isEqualTo("hij");
      assertThat(c.send(c.request("/file").header("Range", "bytes=15-99")).text()).isEqualTo("fghij");
      TestResponse multi = c.send(c.request("/file").header("Range", "bytes=0-1,10-11"));
      assertThat(multi.status()).isEqualTo(206);
      String ct = multi.header("content-type").orElseThrow();
      assertThat(ct).startsWith("multipart/byteranges; boundary=");
      String boundary = ct.substring(ct.indexOf('=') + 1);
      assertThat(multi.text()).contains("Content-Range: bytes 0-1/20\r\n\r\n01\r\n")
          .contains("Content-Range: bytes 10-11/20\r\n\r\nab\r\n").endsWith("--" + boundary + "--\r\n");
      assertThat(multi.header("content-length")).contains(Integer.toString(multi.body().length));
    }
  }

  /**
   * Overlapping and touching ranges are merged (as Starlette does), in file order: repeating
   * {@code 0-} must not send the file once per repeat (RFC 9110 section 17.15).
   */
  @Test
  void overlappingRangesAreCoalesced() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse repeated = c.send(c.request("/file").header("Range", "bytes=0-,0-,0-,-20"));
      assertThat(repeated.status()).isEqualTo(206);
      assertThat(repeated.header("content-range")).contains("bytes 0-19/20");
      assertThat(repeated.text()).isEqualTo("0123456789abcdefghij");
      TestResponse multi = c.send(c.request("/file").header("Range", "bytes=10-11,0-1,1-3,4-4"));
      assertThat(multi.header("content-type").orElseThrow()).startsWith("multipart/byteranges; boundary=");
      assertThat(multi.text()).containsSubsequence("Content-Range: bytes 0-4/20\r\n\r\n01234\r\n",
          "Content-Range: bytes 10-11/20\r\n\r\nab\r\n").doesNotContain("bytes 1-3");
      assertThat(multi.header("content-length")).contains(Integer.toString(multi.body().length));
    }
  }

  @Test
  void unsatisfiableAndIgnoredRanges() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse bad = c.send(c.request("/file").header("Range", "bytes=50-60"));
      assertThat(bad.status()).isEqualTo(416);
      assertThat(bad.header("content-range")).contains("bytes */20");
      assertThat(c.send(c.request("/file").header("Range", "items=1-2")).status()).isEqualTo(200);
      assertThat(c.send(c.request("/file").header("Range", "bytes=5-2")).status()).isEqualTo(200);
      TestResponse staleIfRange = c.send(c.request("/file").header("Range", "bytes=0-1").header("If-Range", "\"old\""));
      assertThat(staleIfRange.status()).isEqualTo(200);
      assertThat(staleIfRange.body()).hasSize(20);
    }
  }

  /**
   * RFC 9110 14.1.1: positions are 1*DIGIT, of any size: a last-pos past a long's range still
   * means "to the end" (a client may ask for more than it knows is there), and a signed number is
   * no position (the header is ignored, as any invalid one).
   */
  @Test
  void positionsAreDigitsOfAnySize() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse huge = c.send(c.request("/file").header("Range", "bytes=15-99999999999999999999999"));
      assertThat(huge.status()).isEqualTo(206);
      assertThat(huge.header("content-range")).contains("bytes 15-19/20");
      assertThat(huge.text()).isEqualTo("fghij");
      TestResponse hugeSuffix = c.send(c.request("/file").header("Range", "bytes=-99999999999999999999999"));
      assertThat(hugeSuffix.status()).isEqualTo(206);
      assertThat(hugeSuffix.header("content-range")).contains("bytes 0-19/20");
      TestResponse hugeFirst = c.send(c.request("/file").header("Range", "bytes=99999999999999999999999-"));
      assertThat(hugeFirst.status()).isEqualTo(416);
      assertThat(c.send(c.request("/file").header("Range", "bytes=+2-5")).status()).as("signed first-pos").isEqualTo(200);
      assertThat(c.send(c.request("/file").header("Range", "bytes=2-+5")).status()).as("signed last-pos").isEqualTo(200);
      assertThat(c.send(c.request("/file").header("Range", "bytes=2 -5")).status()).as("RFC: no space in a spec, tolerated")
          .isEqualTo(206);
      TestResponse emptyElements = c.send(c.request("/file").header("Range", "bytes=, 2-5,"));
      assertThat(emptyElements.status()).as("RFC 9110 5.6.1: empty list elements are skipped").isEqualTo(206);
      assertThat(emptyElements.text()).isEqualTo("2345");
      assertThat(c.send(c.request("/file").header("Range", "bytes=")).status()).as("no range at all").isEqualTo(200);
      assertThat(c.send(c.request("/file").header("Range", "bytes=,")).status()).isEqualTo(200);
    }
  }

  /**
   * RFC 9110 14.2: range handling is defined for GET only, and a server must ignore a Range sent
   * with another method: a file answering a POST is sent whole (Starlette sends the 206). HEAD
   * keeps the head its GET would get.
   */
  @Test
  void aRangeIsIgnoredOnMethodsOtherThanGet() {
    App app = App.builder().post("/file", req -> FileResponse.of(req, file))
        .put("/file", req -> FileResponse.of(req, file)).get("/file", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      for (String method : new String[] {"POST", "PUT"}) {
        TestResponse whole = c.send(c.request("/file").header("Range", "bytes=2-5")
            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(whole.status()).as(method).isEqualTo(200);
        assertThat(whole.text()).as(method).isEqualTo("0123456789abcdefghij");
        assertThat(whole.header("content-range")).as(method).isEmpty();
        TestResponse beyond = c.send(c.request("/file").header("Range", "bytes=50-60")
            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(beyond.status()).as(method + ", unsatisfiable").isEqualTo(200);
      }
      TestResponse head = c.send(c.request("/file").header("Range", "bytes=2-5")
          .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(head.status()).isEqualTo(206);
      assertThat(head.header("content-range")).contains("bytes 2-5/20");
    }
  }

  /** RFC 9110 14.1.1: "0-" is valid whatever the length, and no range of an empty file is satisfiable. */
  @Test
  void anOpenRangeOfAnEmptyFileIsUnsatisfiable() throws Exception {
    Files.writeString(root.resolve("empty.txt"), "");
    try (TestClient c = TestClient.start(app())) {
      TestResponse open = c.send(c.request("/static/empty.txt").header("Range", "bytes=0-"));
      assertThat(open.status()).isEqualTo(416);
      assertThat(open.header("content-range")).contains("bytes */0");
      assertThat(c.get("/static/empty.txt").status()).isEqualTo(200);
    }
  }

  @Test
  void headHasLengthButNoBody() throws Exception {
    try (TestClient c = TestClient.start(app()); RawClient raw = RawClient.connect(c.port())) {
      String all = raw.send("HEAD /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
      assertThat(all).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 20").endsWith("\r\n\r\n");
    }
  }

  @Test
  void staticFilesServeIndexAndFiles() {
    try (TestClient c = TestClient.start(app())) {
      assertThat(c.get("/static/abc.txt").text()).isEqualTo("0123456789abcdefghij");
      assertThat(c.get("/static/").text()).isEqualTo("<h1>home</h1>");
      assertThat(c.get("/static/sub").status()).isEqualTo(404);
      assertThat(c.get("/static/missing.txt").status()).isEqualTo(404);
    }
  }

  /**
   * A directory asked for without its trailing slash is redirected to it, as Starlette's
   * StaticFiles does: served there, the index's relative links would resolve in the parent.
   */
  @Test
  void aDirectoryWithoutItsSlashIsRedirectedToIt() throws Exception {
    Files.writeString(Files.createDirectories(root.resolve("my docs")).resolve("index.html"), "<img src=\"a.png\">");
    try (TestClient c = TestClient.start(app())) {
      TestResponse plain = c.get("/static/my%20docs");
      assertThat(plain.status()).isEqualTo(307);
      assertThat(plain.header("location")).contains("/static/my%20docs/");
      assertThat(c.get("/static/my%20docs?v=1").header("location")).contains("/static/my%20docs/?v=1");
      assertThat(c.get("/static/my%20docs/").text()).isEqualTo("<img src=\"a.png\">");
      assertThat(c.get("/static/sub").status()).as("a directory without an index").isEqualTo(404);
    }
  }

  /** The mount's own directory without its slash is redirected too, as Starlette's router does. */
  @Test
  void theMountWithoutItsSlashIsRedirectedToItsIndex() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse plain = c.get("/static");
      assertThat(plain.status()).isEqualTo(307);
      assertThat(plain.header("location")).contains("/static/");
      assertThat(c.get("/static?v=1").header("location")).contains("/static/?v=1");
    }
    // Without an index the mount has nothing at "/static"; the app's slash redirect still leads
    // to "/static/" (a 404 there), as Starlette's router does; without it, a 404 at once.
    App.Builder noIndex = App.builder();
    StaticFiles.mount(noIndex, "/static", root, Optional.empty());
    try (TestClient c = TestClient.start(noIndex.build())) {
      assertThat(c.get("/static").header("location")).contains("/static/");
      assertThat(c.get("/static/").status()).isEqualTo(404);
    }
    App.Builder noRedirect = App.builder().redirectSlashes(false);
    StaticFiles.mount(noRedirect, "/static", root, Optional.empty());
    try (TestClient c = TestClient.start(noRedirect.build())) {
      assertThat(c.get("/static").status()).as("no index to redirect to").isEqualTo(404);
    }
  }

  /** A site served at the root, as Starlette's {@code Mount("/", StaticFiles(...))}, after the app's own routes. */
  @Test
  void staticFilesCanServeTheWholeSite() {
    App.Builder b = App.builder().get("/api/{name}", req -> dev.lanes.http.Response.text("api " + req.pathParams().get("name")));
    StaticFiles.mount(b, "/", root, Optional.of("index.html"));
    try (TestClient c = TestClient.start(b.build())) {
      assertThat(c.get("/").text()).isEqualTo("<h1>home</h1>");
      assertThat(c.get("/abc.txt").text()).isEqualTo("0123456789abcdefghij");
      assertThat(c.get("/api/x").text()).isEqualTo("api x");
      assertThat(c.get("/missing.txt").status()).isEqualTo(404);
    }
  }

  /** A path starting "//" is never redirected to "//...": a browser reads that Location as another host. */
  @Test
  void aDirectoryRedirectNeverNamesAnotherHost() throws Exception {
    Files.writeString(Files.createDirectories(root.resolve("evil.example")).resolve("index.html"), "x");
    App.Builder b = App.builder();
    StaticFiles.mount(b, "/", root, Optional.of("index.html"));
    try (TestClient c = TestClient.start(b.build())) {
      assertThat(c.get("/evil.example").header("location")).contains("/evil.example/");
      TestResponse doubled = c.get("//evil.example");
      assertThat(doubled.header("location")).isNotEqualTo(Optional.of("//evil.example/"));
    }
  }

  @Test
  void staticFilesNeverLeaveTheRoot() throws Exception {
    try (TestClient c = TestClient.start(app())) {
      for (String target : new String[] {"/static/../secret.txt", "/static/%2e%2e/secret.txt",
          "/static/..%2fsecret.txt", "/static/sub/../../secret.txt", "/static/escape.txt",
          "/static/..%5csecret.txt", "/static/%2e%2e%2f%2e%2e%2fetc/passwd"}) {
        try (RawClient raw = RawClient.connect(c.port())) {
          String res = raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
          // 400 when the server refuses a dot segment up front (SafePath), else 404 from StaticFiles.
          assertThat(res).as(target).matches("(?s)HTTP/1\\.1 40[04] .*").doesNotContain("top secret");
        }
      }
    }
  }

  /** A file the server may not read is a deployment mistake to show (nginx: 403), not a missing one. */
  @Test
  void aFileTheServerMayNotReadIs403() throws Exception {
    Path locked = Files.writeString(root.resolve("locked.txt"), "no");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(locked),
        "this process reads a mode-000 file anyway (root, or CAP_DAC_OVERRIDE): run it without,"
            + " e.g. setpriv --bounding-set=-dac_override,-dac_read_search");
    App.Builder b = App.builder().get("/locked", req -> FileResponse.of(req, locked));
    StaticFiles.mount(b, "/static", root, Optional.empty());
    try (TestClient c = TestClient.start(b.build())) {
      for (String path : new String[] {"/locked", "/static/locked.txt"}) {
        TestResponse r = c.get(path);
        assertThat(r.status()).as(path).isEqualTo(403);
        assertThat(r.text()).as(path).isEqualTo("Forbidden");
      }
      assertThat(c.get("/static/gone.txt").status()).isEqualTo(404);
    }
  }

  @Test
  void largeFileIsSentWhole() throws Exception {
    byte[] data = new byte[5 * 1024 * 1024 + 3];
    new java.util.Random(7).nextBytes(data);
    Path big = Files.write(root.resolve("big.bin"), data);
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.get("/static/big.bin");
      assertThat(r.body()).isEqualTo(data);
      assertThat(Files.size(big)).isEqualTo(data.length);
    }
    assertThat(new String(data, 0, 0, StandardCharsets.US_ASCII)).isEmpty();
  }
}
