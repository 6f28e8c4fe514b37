package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Compression;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's conditional requests (RFC 9110 section 13: If-Match, If-Unmodified-Since, If-None-Match
 * on several lines, the three date forms), its dates as IMF-fixdate, and a file that shrinks while
 * it is sent in chunks.
 */
@Timeout(60)
class FileConditionsTest {
  @TempDir Path dir;
  Path file;

  @BeforeEach
  void files() throws Exception {
    byte[] data = new byte[256 * 1024];
    Arrays.fill(data, (byte) 'a');
    file = Files.write(dir.resolve("big.txt"), data);
  }

  /** Closes the server on another thread: a pinned event loop would hang close() forever. */
  private static boolean closesWithin(TestClient c, long seconds) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      c.close();
      closed.countDown();
    });
    t.setDaemon(true);
    t.start();
    return closed.await(seconds, TimeUnit.SECONDS);
  }

  /**
   * The file is truncated in place while it is sent in chunks (compression on; TLS takes the same
   * path). The connection must be cut, and the event loop stay free.
   */
  @Test
  void aFileTruncatedWhileItIsSentEndsTheConnectionOnTheChunkedPath() throws Exception {
    byte[] random = new byte[12 << 20];
    new Random(1).nextBytes(random);
    // 16 MiB of text that barely compresses: far more than the socket buffers hold.
    Path big = Files.write(dir.resolve("random.txt"), Base64.getEncoder().encode(random));
    App app = App.builder().get("/shrink", req -> FileResponse.of(req, big)).build();
    TestClient c = TestClient.start(app, ServerConfig.builder().compression(Compression.on()));
    boolean cut;
    try (RawClient raw = RawClient.connectWithReceiveBuffer(c.port(), 4096)) {
      String head = raw.send("GET /shrink HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
          .readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 200");
      try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
        ch.truncate(1000); // the server has read past this already
      }
      cut = raw.readUntilClosed().closed();
    }
    boolean serverClosed = closesWithin(c, 10);
    assertThat(cut).as("the server ends a response it cannot complete by closing the connection").isTrue();
    assertThat(serverClosed).as("Server.close() returns (its event loop is not spinning)").isTrue();
  }

  /** Truncated between FileResponse's stat and the send: the head is not sent, a 500 is. */
  @Test
  void aFileTruncatedBeforeItIsSentIsA500() throws Exception {
    byte[] whole = Files.readAllBytes(file);
    App app = App.builder().get("/shrink", req -> {
      Files.write(file, whole);
      Response r = FileResponse.of(req, file);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(1000);
      }
      return r;
    }).build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().compression(Compression.on()))) {
      assertThat(c.get("/shrink").status()).isEqualTo(500);
      assertThat(c.send(c.request("/shrink").header("Accept-Encoding", "gzip")).status()).isEqualTo(500);
    }
  }

  /** RFC 9110 5.6.7: a recipient MUST accept all three HTTP-date formats. */
  @Test
  void ifModifiedSinceAcceptsTheObsoleteDateFormats() throws Exception {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2021-03-05T06:07:08Z")));
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      // After the file's time and before now: every format must give 304.
      assertThat(c.send(c.request("/f").header("If-Modified-Since", "Sat, 01 Jan 2022 00:00:00 GMT")).status())
          .as("IMF-fixdate").isEqualTo(304);
      assertThat(c.send(c.request("/f").header("If-Modified-Since", "Saturday, 01-Jan-22 00:00:00 GMT")).status())
          .as("rfc850-date").isEqualTo(304);
      assertThat(c.send(c.request("/f").header("If-Modified-Since", "Sat Jan  1 00:00:00 2022")).status())
          .as("asctime-date").isEqualTo(304);
      assertThat(c.send(c.request("/f").header("If-Modified-Since", "Thu, 31 Dec 2020 00:00:00 GMT")).status())
          .as("before the file's time").isEqualTo(200);
    }
  }

  /** RFC 9110 5.3: If-None-Match sent as two field lines is one list; the second line's tag matches. */
  @Test
  void ifNoneMatchSplitAcrossFieldLinesIsOneList() throws Exception {
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      String etag = c.get("/f").header("etag").orElseThrow();
      try (RawClient raw = RawClient.connect(c.port())) {
        String res = raw.send("GET /f HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\nIf-None-Match: " + etag
            + "\r\nConnection: close\r\n\r\n").readUntilClosed().text();
        assertThat(res).startsWith("HTTP/1.1 304");
      }
    }
  }

  /**
   * RFC 9110 5.6.7: HTTP-dates are generated as IMF-fixdate, whose day is 2DIGIT
   * ({@code Fri, 05 Mar 2021 ...}); Java's RFC_1123_DATE_TIME writes {@code Fri, 5 Mar 2021}.
   */
  @Test
  void lastModifiedIsAnImfFixdate() throws Exception {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2021-03-05T06:07:08Z")));
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.get("/f").header("last-modified")).contains("Fri, 05 Mar 2021 06:07:08 GMT");
    }
  }

  /** The same rule for the Date header (fails only on days 1-9 of a month: the clock is not injectable). */
  @Test
  void dateIsAnImfFixdate() {
    App app = App.builder().get("/t", req -> Response.text("t")).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.get("/t").header("date").orElseThrow())
          .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }
  }

  /**
   * RFC 9110 13.1.1 / 13.1.4 / 13.2.2: an origin server MUST evaluate If-Match and
   * If-Unmodified-Since on a GET whose answer would be 2xx; false ones give 412.
   */
  @Test
  void ifMatchAndIfUnmodifiedSinceAreEvaluated() {
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.send(c.request("/f").header("If-Match", "\"not-the-etag\"")).status()).as("If-Match")
          .isEqualTo(412);
      assertThat(c.send(c.request("/f").header("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT")).status())
          .as("If-Unmodified-Since").isEqualTo(412);
      String etag = c.get("/f").header("etag").orElseThrow();
      assertThat(c.send(c.request("/f").header("If-Match", "\"x\", " + etag)).status()).isEqualTo(200);
      assertThat(c.send(c.request("/f").header("If-Match", "*")).status()).isEqualTo(200);
      assertThat(c.send(c.request("/f").header("If-Match", "W/" + etag)).status())
          .as("If-Match compares strongly").isEqualTo(412);
      assertThat(c.send(c.request("/f").header("If-Unmodified-Since", "Fri, 31 Dec 2100 23:59:59 GMT")).status())
          .isEqualTo(200);
    }
  }

  /**
   * RFC 9110 8.8.2.1: an origin server MUST NOT send a Last-Modified later than its Date; a file
   * time in the future (a clock skewed where it was written, a tar that kept it) is replaced by
   * the message's date. The ETag still follows the file, and If-Modified-Since with the date sent
   * is no 304 while the file's time is ahead (its content cannot be said unchanged since then).
   */
  @Test
  void aFileTimeInTheFutureIsSentAsTheMessageDate() throws Exception {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2100-01-01T00:00:00Z")));
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.get("/f");
      java.time.Instant lastModified = dev.lanes.http.HttpDate.parse(r.header("last-modified").orElseThrow()).orElseThrow();
      java.time.Instant date = dev.lanes.http.HttpDate.parse(r.header("date").orElseThrow()).orElseThrow();
      assertThat(lastModified).isBeforeOrEqualTo(date);
      assertThat(c.send(c.request("/f").header("If-Modified-Since", r.header("last-modified").orElseThrow())).status())
          .isEqualTo(200);
      assertThat(c.send(c.request("/f").header("If-None-Match", r.header("etag").orElseThrow())).status())
          .isEqualTo(304);
    }
  }

  /**
   * RFC 9110 13.1.3 / 13.1.4: If-Modified-Since and If-Unmodified-Since with more than one member
   * (two field lines are one list) MUST be ignored, and If-Range holds one validator (RFC 9110
   * 13.1.5); the first line alone was acted on.
   */
  @Test
  void aSingleValuedConditionOnTwoFieldLinesIsNotActedOn() throws Exception {
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      // Each alone would give 304 and 412: now is after the file's time (a date past now is ignored).
      String now = dev.lanes.http.HttpDate.format(java.time.Instant.now());
      String past = "Mon, 01 Jan 1990 00:00:00 GMT";
      assertThat(c.send(c.request("/f").header("If-Modified-Since", now)).status()).isEqualTo(304);
      for (String[] field : new String[][] {{"If-Modified-Since", now}, {"If-Unmodified-Since", past}}) {
        try (RawClient raw = RawClient.connect(c.port())) {
          String res = raw.send("GET /f HTTP/1.1\r\nHost: x\r\n" + field[0] + ": " + field[1] + "\r\n" + field[0]
              + ": " + field[1] + "\r\nConnection: close\r\n\r\n").readUntilClosed().text();
          assertThat(res).as(field[0]).startsWith("HTTP/1.1 200");
        }
      }
      // If-Range takes one validator: two lines are none, and the whole file is sent.
      String etag = c.get("/f").header("etag").orElseThrow();
      try (RawClient raw = RawClient.connect(c.port())) {
        String res = raw.send("GET /f HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nIf-Range: " + etag
            + "\r\nIf-Range: \"other\"\r\nConnection: close\r\n\r\n").readUntilClosed().text();
        assertThat(res).as("If-Range").startsWith("HTTP/1.1 200");
      }
    }
  }

  /**
   * RFC 9110 8.8.3: a strong ETag changes with every change of the bytes. A file rewritten with
   * as many bytes within the same second (a build step, an editor's save) had the same tag, so
   * If-Range resumed a download with bytes of the new file after those of the old.
   */
  @Test
  void aRewriteWithinTheSameSecondChangesTheEtag() throws Exception {
    Path f = Files.writeString(dir.resolve("v.txt"), "version 1");
    java.time.Instant second = java.time.Instant.parse("2024-05-06T07:08:09Z");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(second.plusMillis(100)));
    Assumptions.assumeTrue(Files.getLastModifiedTime(f).toInstant().getNano() != 0, "the file system keeps sub-second times");
    App app = App.builder().get("/v", req -> FileResponse.of(req, f)).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse first = c.get("/v");
      Files.writeString(f, "version 2");
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(second.plusMillis(700)));
      TestResponse second2 = c.get("/v");
      assertThat(second2.header("last-modified")).isEqualTo(first.header("last-modified"));
      assertThat(second2.header("etag")).isNotEqualTo(first.header("etag"));
      TestResponse resumed = c.send(c.request("/v").header("Range", "bytes=8-").header("If-Range", first.header("etag").orElseThrow()));
      assertThat(resumed.status()).as("the old tag no longer names the file").isEqualTo(200);
    }
  }

  /**
   * RFC 9110 13.1.5: an If-Range date holds only if it is an exact match of the Last-Modified the
   * 200 would send and that Last-Modified is strong (8.8.2.2: at least a second before the Date).
   * A file time in the future is sent as the message's date: the file's own time, which no
   * response named, no longer selects the range.
   */
  @Test
  void anIfRangeDateMustBeTheLastModifiedSent() throws Exception {
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2021-03-05T06:07:08.250Z")));
      assertThat(c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", "Fri, 05 Mar 2021 06:07:08 GMT"))
          .status()).as("the Last-Modified sent, long before the Date").isEqualTo(206);
      assertThat(c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", "Friday, 05-Mar-21 06:07:08 GMT"))
          .status()).as("the same date as rfc850-date").isEqualTo(206);
      assertThat(c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", "Fri, 05 Mar 2021 06:07:09 GMT"))
          .status()).as("a second later").isEqualTo(200);
      assertThat(c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", "Fri, 05 Mar 2021 06:07:07 GMT"))
          .status()).as("a second earlier").isEqualTo(200);
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2100-01-01T00:00:00Z")));
      assertThat(c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", "Fri, 01 Jan 2100 00:00:00 GMT"))
          .status()).as("the file's time in the future, never sent").isEqualTo(200);
    }
  }

  /**
   * RFC 9110 13.1.5 and 8.8.2.2: a Last-Modified in the second of the Date is weak (the file may
   * change again within that second, as large as before), so If-Range with it sends the whole file.
   * A request answered after the file's second is no test of this and is tried again.
   */
  @Test
  void anIfRangeDateInTheSecondOfTheResponseIsWeak() throws Exception {
    App app = App.builder().get("/f", req -> FileResponse.of(req, file)).build();
    try (TestClient c = TestClient.start(app)) {
      int sameSecond = 0;
      for (int attempt = 0; attempt < 20 && sameSecond < 3; attempt++) {
        java.time.Instant now = java.time.Instant.now();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(now));
        String lastModified = dev.lanes.http.HttpDate.format(now);
        TestResponse r = c.send(c.request("/f").header("Range", "bytes=0-1").header("If-Range", lastModified));
        java.time.Instant answered = java.time.Instant.now();
        if (answered.getEpochSecond() == now.getEpochSecond()) { // so was the server's Date
          sameSecond++;
          assertThat(r.status()).as("If-Range %s answered at %s", lastModified, r.header("date").orElseThrow())
              .isEqualTo(200);
        }
      }
      assertThat(sameSecond).as("requests answered within the file's second").isPositive();
    }
  }
}
