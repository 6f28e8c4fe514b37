package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpDate;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 section 13 as a file answers it: which condition is evaluated when another is there
 * (13.2.2), what an empty list, a weak tag, an invalid or a future date mean, conditions on a
 * method other than GET and HEAD, and a {@code Range} beside a condition that fails. The file's
 * time is fixed, long past: its {@code Last-Modified} is strong.
 */
class FilePreconditionsTest {
  private static final String MODIFIED = "Fri, 05 Mar 2021 06:07:08 GMT";
  @TempDir static Path dir;
  private static TestClient client;
  private static HttpClient h2;
  private static String etag;

  @BeforeAll
  static void start() throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "0123456789abcdefghij");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2021-03-05T06:07:08Z")));
    App app = App.builder()
        .get("/f", req -> FileResponse.of(req, file))
        .post("/f", req -> FileResponse.of(req, file))
        .build();
    client = TestClient.start(app, ServerConfig.builder().h2c(true));
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    etag = client.get("/f").header("etag").orElseThrow();
  }

  @AfterAll
  static void stop() {
    h2.close();
    client.close();
  }

  /** One request on its own connection, its fields exactly as written ({@code "Name:"} sends an empty value). */
  private static RawResponse send(String method, String... fields) {
    StringBuilder request = new StringBuilder(method).append(" /f HTTP/1.1\r\nHost: x\r\n");
    for (String field : fields) {
      request.append(field).append("\r\n");
    }
    if (method.equals("POST")) {
      request.append("Content-Length: 0\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return RawClient.exchange(client.port(), request.toString()).responses().get(0);
  }

  private static int status(String method, String... fields) {
    return send(method, fields).status();
  }

  /**
   * RFC 9110 13.1.2: If-None-Match is {@code *} or a list of entity tags, which may be empty
   * (5.6.1); an empty list matches no tag, so the 200 is sent. The field is there all the same,
   * so If-Modified-Since, which alone would give 304, is ignored (13.1.3). Starlette reads an
   * empty field as none and answers that 304; nginx sends the 200. Over HTTP/1.1 and h2c.
   */
  @Test
  void anEmptyIfNoneMatchMatchesNoTag() throws Exception {
    assertThat(status("GET", "If-None-Match:")).isEqualTo(200);
    RawResponse withDate = send("GET", "If-None-Match:", "If-Modified-Since: " + MODIFIED);
    assertThat(withDate.status()).as("If-Modified-Since ignored").isEqualTo(200);
    assertThat(withDate.text()).isEqualTo("0123456789abcdefghij");
    assertThat(client.send(client.request("/f").method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("If-None-Match", "").header("If-Modified-Since", MODIFIED)).status()).as("HEAD").isEqualTo(200);
    assertThat(status("GET", "If-Modified-Since: " + MODIFIED)).as("the date alone").isEqualTo(304);

    HttpResponse<String> viaH2 = h2.send(HttpRequest.newBuilder(client.uri("/f"))
        .header("If-None-Match", "").header("If-Modified-Since", MODIFIED).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(viaH2.statusCode()).as("h2c").isEqualTo(200);
    assertThat(viaH2.body()).isEqualTo("0123456789abcdefghij");
  }

  /** RFC 9110 13.1.1: an empty If-Match list matches no tag either: 412 (nginx answers so). */
  @Test
  void anEmptyIfMatchMatchesNoTag() {
    assertThat(status("GET", "If-Match:")).isEqualTo(412);
  }

  /** RFC 9110 13.1.1: If-Match compares strongly, so a weak tag never matches; {@code *} matches a file that is there. */
  @Test
  void ifMatchNeverMatchesAWeakTagAndStarMatchesAFileThatIsThere() {
    assertThat(status("GET", "If-Match: W/" + etag)).isEqualTo(412);
    assertThat(status("GET", "If-Match: \"other\", W/" + etag)).isEqualTo(412);
    assertThat(status("GET", "If-Match: *")).isEqualTo(200);
    assertThat(status("GET", "If-Match: \"other\", " + etag)).isEqualTo(200);
  }

  /**
   * RFC 9110 13.1.4 and 13.2.2: If-Unmodified-Since is ignored when If-Match is there, whichever
   * way either would go (nginx evaluates both and answers 412 to the first).
   */
  @Test
  void ifUnmodifiedSinceIsIgnoredBesideIfMatch() {
    assertThat(status("GET", "If-Match: " + etag, "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT"))
        .isEqualTo(200);
    assertThat(status("GET", "If-Match: \"other\"", "If-Unmodified-Since: Fri, 31 Dec 2100 23:59:59 GMT"))
        .isEqualTo(412);
  }

  /** RFC 9110 13.1.3 and 13.2.2: If-Modified-Since is ignored when If-None-Match is there. */
  @Test
  void ifModifiedSinceIsIgnoredBesideIfNoneMatch() {
    assertThat(status("GET", "If-None-Match: \"other\"", "If-Modified-Since: " + MODIFIED)).isEqualTo(200);
    assertThat(status("GET", "If-None-Match: " + etag, "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT"))
        .isEqualTo(304);
  }

  /** RFC 9110 13.1.3 and 13.1.4: a date condition that is no valid HTTP-date is ignored (nginx answers 412 to the second). */
  @Test
  void aDateConditionThatIsNoDateIsIgnored() {
    assertThat(status("GET", "If-Modified-Since: garbage")).isEqualTo(200);
    assertThat(status("GET", "If-Unmodified-Since: garbage")).isEqualTo(200);
  }

  /**
   * An If-Modified-Since later than the server's clock vouches for nothing: the file may still
   * change before that time, and a client whose clock runs ahead (a cache dating its copy by its
   * own clock, RFC 9110 13.1.3) would be told "not modified" after it has been. Such a date is
   * ignored, as RFC 2616 14.25 had it and Apache does (nginx's default honours only the exact
   * Last-Modified). A date between the file's time and now still gives 304.
   */
  @Test
  void anIfModifiedSinceInTheFutureIsIgnored() {
    String tomorrow = HttpDate.format(Instant.now().plus(Duration.ofDays(1)));
    assertThat(status("GET", "If-Modified-Since: " + tomorrow)).isEqualTo(200);
    assertThat(status("GET", "If-Modified-Since: Fri, 31 Dec 2100 23:59:59 GMT")).isEqualTo(200);
    assertThat(status("GET", "If-Modified-Since: Sat, 01 Jan 2022 00:00:00 GMT")).isEqualTo(304);
  }

  /**
   * RFC 9110 13.1.2 and 13.2.2: If-None-Match failing on a method other than GET and HEAD is 412,
   * not 304; If-Modified-Since applies to GET and HEAD only; If-Match holds on every method.
   */
  @Test
  void conditionsOnAPost() {
    assertThat(status("POST", "If-None-Match: " + etag)).isEqualTo(412);
    assertThat(status("POST", "If-None-Match: *")).isEqualTo(412);
    assertThat(status("POST", "If-None-Match: \"other\"")).isEqualTo(200);
    assertThat(status("POST", "If-Modified-Since: " + MODIFIED)).isEqualTo(200);
    assertThat(status("POST", "If-Match: \"other\"")).isEqualTo(412);
    assertThat(status("POST", "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT")).isEqualTo(412);
  }

  /**
   * RFC 9110 13.1.5: If-Range compares strongly (a weak tag never selects the range) and holds a
   * date only if it is exactly the Last-Modified; otherwise the whole file is sent.
   */
  @Test
  void ifRangeTakesOnlyTheStrongTagOrTheExactDate() {
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: " + etag)).isEqualTo(206);
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: W/" + etag)).isEqualTo(200);
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: " + MODIFIED)).isEqualTo(206);
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: Fri, 05 Mar 2021 06:07:09 GMT")).isEqualTo(200);
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: Fri, 31 Dec 2100 23:59:59 GMT")).isEqualTo(200);
    assertThat(status("GET", "Range: bytes=0-1", "If-Range: garbage")).isEqualTo(200);
  }

  /**
   * RFC 9110 13.2.2: the conditions come before the range (step 5 after 1-4), so a condition
   * that fails answers 304 or 412 without a {@code Content-Range}, even for an unsatisfiable
   * range (nginx answers so; Starlette's {@code FileResponse} checks no condition).
   */
  @Test
  void aRangeBesideAFailingConditionIsNoPartialResponse() {
    RawResponse notModified = send("GET", "Range: bytes=0-1", "If-None-Match: " + etag);
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("content-range")).isEmpty();
    assertThat(notModified.text()).isEmpty();
    assertThat(status("GET", "Range: bytes=0-1", "If-Modified-Since: " + MODIFIED)).isEqualTo(304);
    assertThat(status("GET", "Range: bytes=99-", "If-None-Match: " + etag)).isEqualTo(304);
    RawResponse failed = send("GET", "Range: bytes=0-1", "If-Match: \"other\"");
    assertThat(failed.status()).isEqualTo(412);
    assertThat(failed.header("content-range")).isEmpty();
    assertThat(status("GET", "Range: bytes=99-", "If-Match: \"other\"")).isEqualTo(412);
  }
}
