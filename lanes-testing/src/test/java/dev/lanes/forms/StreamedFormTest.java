package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a route with {@code RouteOptions.streamedBody}, {@code Form.read} parses the form as the body
 * arrives, over a real socket: a multipart upload many times the server's {@code maxBodySize} is
 * spooled to disk part by part; limits, malformed bodies and the route's own limit are answered
 * as on a route whose body is read whole; a client that leaves mid-upload leaves no file behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamedFormTest {
  private static final String B = "----streamed-form";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static final int SERVER_MAX_BODY = 64 * 1024;
  private static final FormLimits LIMITS = new FormLimits(4, 32L * 1024 * 1024, 64 * 1024);
  private static final FormLimits TIGHT = new FormLimits(4, 100_000, 1024);
  /** Many parts, files up to 2 MiB, 32 KiB of text fields in all. */
  private static final FormLimits FIELDS = new FormLimits(1000, 2 << 20, 1024, 32 * 1024);
  @TempDir
  static Path spoolDir;
  private static String oldBaseDirectory;
  private static TestClient client;
  private static final List<Path> spooled = new CopyOnWriteArrayList<>();
  private static final AtomicReference<Throwable> leftFailure = new AtomicReference<>();
  private static volatile CountDownLatch leftDone = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    oldBaseDirectory = DiskFileUpload.baseDirectory;
    DiskFileUpload.baseDirectory = spoolDir.toString();
    RouteOptions streamed = RouteOptions.defaults().streamedBody(64L * 1024 * 1024);
    App app = App.builder()
        .route("POST", "/streamed", streamed, (BlockingHandler) req -> describe(Form.read(req, LIMITS)))
        .route("POST", "/whole", RouteOptions.defaults(), (BlockingHandler) req -> describe(Form.read(req, LIMITS)))
        .route("POST", "/tight", streamed, (BlockingHandler) req -> describe(Form.read(req, TIGHT)))
        .route("POST", "/fields", streamed, (BlockingHandler) req -> describe(Form.read(req, FIELDS)))
        .route("POST", "/whole-fields", RouteOptions.defaults(), (BlockingHandler) req -> describe(Form.read(req, FIELDS)))
        .route("POST", "/defaults", streamed, (BlockingHandler) req -> describe(Form.read(req)))
        .route("POST", "/small", RouteOptions.defaults().streamedBody(1000),
            (BlockingHandler) req -> describe(Form.read(req, LIMITS)))
        .route("POST", "/left", streamed, (BlockingHandler) req -> {
          try {
            return describe(Form.read(req, LIMITS));
          } catch (RuntimeException e) {
            leftFailure.set(e);
            throw e;
          } finally {
            leftDone.countDown();
          }
        })
        .build();
    client = TestClient.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5))
        .maxBodySize(SERVER_MAX_BODY).bodyReadTimeout(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    client.close();
    DiskFileUpload.baseDirectory = oldBaseDirectory;
  }

  /** Fields, then each file: name|filename|size|onDisk|sha256; a spooled file's path is kept. */
  private static Response describe(Form form) {
    StringBuilder sb = new StringBuilder();
    for (String name : form.fields().names()) {
      sb.append('[').append(name).append('=').append(form.fields().all(name)).append(']');
    }
    try {
      for (UploadFile f : form.files()) {
        f.path().ifPresent(spooled::add);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = f.open()) {
          byte[] buf = new byte[65536];
          for (int n; (n = in.read(buf)) >= 0; ) {
            sha.update(buf, 0, n);
          }
        }
        sb.append('{').append(f.fieldName()).append('|').append(f.filename()).append('|').append(f.size())
            .append('|').append(f.onDisk()).append('|').append(HexFormat.of().formatHex(sha.digest())).append('}');
      }
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return Response.text(sb.toString());
  }

  private static String sha256(byte[]... parts) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) {
      sha.update(p);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static byte[] block(int i, int size) {
    byte[] b = new byte[size];
    for (int j = 0; j < size; j++) {
      b[j] = (byte) (i * 31 + j * 7 + (j >> 9));
    }
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String fileHead(String field, String filename) {
    return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  }

  private static long filesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A 24 MiB upload, 384 times the server's maxBodySize, sent as it is written: its file part
   * reaches the disk whole (size and digest), a field beside it is in the form, and the temporary
   * file is gone once the request has ended.
   */
  @Test
  void aMultipartUploadLargerThanMaxBodySizeIsSpooledAsItArrives() throws Exception {
    int blocks = 384;
    int size = 64 * 1024;
    List<byte[]> content = new ArrayList<>();
    for (int i = 0; i < blocks; i++) {
      content.add(block(i, size));
    }
    byte[] head = ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nbig one\r\n"
        + fileHead("data", "big.bin"));
    byte[] tail = ascii("\r\n--" + B + "--\r\n");
    long length = head.length + (long) blocks * size + tail.length;
    assertThat(length).isGreaterThan(SERVER_MAX_BODY * 300L);
    spooled.clear();
    RawResponse r;
    try (RawClient raw = RawClient.connect(client.port(), Duration.ofSeconds(60))) {
      Thread writer = Thread.ofVirtual().start(() -> {
        raw.send("POST /streamed HTTP/1.1\r\nHost: test\r\nContent-Type: " + MULTIPART
            + "\r\nContent-Length: " + length + "\r\n\r\n");
        raw.send(head);
        content.forEach(raw::send);
        raw.send(tail);
      });
      r = raw.read();
      writer.join();
    }
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[title=[big one]]{data|big.bin|" + (long) blocks * size + "|true|"
        + sha256(content.toArray(byte[][]::new)) + "}");
    assertThat(spooled).hasSize(1);
    assertThat(spooled.get(0).getParent()).isEqualTo(spoolDir);
    Await.until(() -> !Files.exists(spooled.get(0)), "the spooled upload deleted after the request");
  }

  /** The same body answers the same on a route whose body is read whole and on a streamed one. */
  @Test
  void malformedBodiesAndLimitsAreAnsweredAsOnAWholeBody() throws Exception {
    String ok = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
    List<String> bodies = List.of(
        ok + "--" + B + "--\r\n", // a valid form
        "preamble\r\n" + ok + "--" + B + "--\r\nepilogue", // skipped around the parts
        "no boundary here at all",
        ok, // cut before the close delimiter
        ok + "--" + B + "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2", // cut inside a part
        "--" + B + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + B + "--\r\n", // no Content-Disposition
        "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "eA==\r\n--" + B + "--\r\n",
        "--" + B + "junk\r\n" + ok + "--" + B + "--\r\n", // a line that only starts with the boundary
        "--" + B + " x\r\n", // text after a boundary on its line
        "--" + B + "\r\nno colon\r\n\r\nx\r\n--" + B + "--\r\n",
        "--" + B + "\r\nContent-Disposition: form-data; name=\"h\"\r\nX-Long: " + "v".repeat(9000) + "\r\n\r\nx\r\n--"
            + B + "--\r\n", // a header block past 8 KiB: 413
        ok.repeat(5) + "--" + B + "--\r\n", // five parts, four allowed: 413
        ok + "--" + B + "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nline\r\n--" + B + "abc\r\nmore\r\n--"
            + B + "--\r\n"); // a boundary inside content that goes on is content
    for (String body : bodies) {
      TestResponse whole = client.post("/whole", ascii(body), MULTIPART);
      TestResponse streamed = client.post("/streamed", ascii(body), MULTIPART);
      assertThat(streamed.status()).as(body).isEqualTo(whole.status());
      assertThat(streamed.text()).as(body).isEqualTo(whole.text());
    }
    TestResponse urlencoded = client.post("/streamed", "a=1&b=%zz&a=+2&&c", "application/x-www-form-urlencoded");
    assertThat(urlencoded.status()).isEqualTo(200);
    assertThat(urlencoded.text()).isEqualTo("[a=[1,  2]][b=[%zz]][c=[]]");
    assertThat(client.post("/streamed", "a=1", "text/plain").status()).isEqualTo(415);
  }

  /**
   * A part past maxPartSize is refused as it arrives (a body larger than maxBodySize, so never
   * whole in memory), and the part's temporary file is deleted.
   */
  @Test
  void aFilePartPastMaxPartSizeIs413() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(ascii(fileHead("f", "f.bin")));
    body.writeBytes(block(1, (int) TIGHT.maxPartSize() + 1));
    body.writeBytes(ascii("\r\n--" + B + "--\r\n"));
    assertThat(body.size()).isGreaterThan(SERVER_MAX_BODY);
    TestResponse r = client.post("/tight", body.toByteArray(), MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(413);
    assertThat(r.text()).isEqualTo("a form part is larger than " + TIGHT.maxPartSize() + " bytes");
    Await.until(() -> filesIn(spoolDir) == 0, "the part's temporary file deleted");
  }

  private static String fieldPart(String name, int size) {
    return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + "v".repeat(size) + "\r\n";
  }

  /**
   * Sends the head of a request declaring {@code declared} bytes, then {@code sent} (far fewer),
   * and reads the answer: it can only come before the body's end, with the rest never sent.
   */
  private static RawResponse answerBeforeTheEnd(String path, String type, long declared, byte[] sent) {
    assertThat((long) sent.length).isLessThan(declared);
    try (RawClient raw = RawClient.connect(client.port(), Duration.ofSeconds(20))) {
      raw.send("POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: " + type
          + "\r\nContent-Length: " + declared + "\r\n\r\n");
      raw.send(sent);
      return raw.read();
    }
  }

  /**
   * Many small text fields, each within maxPartSize and maxParts, whose total passes
   * maxFieldsSize: 413 naming it as soon as the total passes it, while the client still has most
   * of its declared body to send (the route's limit allows it all).
   */
  @Test
  void textFieldsPastMaxFieldsSizeAre413BeforeTheBodyEnds() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      body.append(fieldPart("f" + (10 + i), 1024 - 3)); // name and value: 1 KiB, 32 KiB in all
    }
    // The next field's name passes the total: nothing after its header block is needed.
    body.append("--" + B + "\r\nContent-Disposition: form-data; name=\"f42\"\r\n\r\n");
    RawResponse r = answerBeforeTheEnd("/fields", MULTIPART, 10_000_000, ascii(body.toString()));
    assertThat(r.status()).as(r.text()).isEqualTo(413);
    assertThat(r.text()).isEqualTo("the form's text fields total more than 32768 bytes (FormLimits.maxFieldsSize)");
  }

  /** Fields exactly at maxFieldsSize, with a file part far larger than it: the form is read. */
  @Test
  void fieldsWithinMaxFieldsSizeAndABigFilePass() throws Exception {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      fields.append(fieldPart("f" + (10 + i), 1024 - 3));
    }
    byte[] file = block(7, 1 << 20);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(ascii(fields + fileHead("data", "big.bin")));
    body.writeBytes(file);
    body.writeBytes(ascii("\r\n--" + B + "--\r\n"));
    spooled.clear();
    TestResponse r = client.post("/fields", body.toByteArray(), MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).startsWith("[f10=[" + "v".repeat(1021) + "]]")
        .contains("[f41=[" + "v".repeat(1021) + "]]")
        .endsWith("{data|big.bin|" + file.length + "|true|" + sha256(file) + "}");
    Await.until(() -> spooled.stream().noneMatch(Files::exists), "the spooled file deleted after the request");
  }

  /** An urlencoded body: the decoded names and values count; 413 at the pair that passes the total. */
  @Test
  void urlencodedPairsPastMaxFieldsSizeAre413BeforeTheBodyEnds() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      // "%76" is one byte decoded: 3 + 1 + 1020 = 1 KiB a pair, 32 KiB in all
      body.append("f").append(10 + i).append('=').append("%76").append("v".repeat(1020)).append('&');
    }
    body.append("f42"); // a name of any length is past it now
    RawResponse r = answerBeforeTheEnd("/fields", "application/x-www-form-urlencoded", 10_000_000,
        ascii(body.toString()));
    assertThat(r.status()).as(r.text()).isEqualTo(413);
    assertThat(r.text()).isEqualTo("the form's text fields total more than 32768 bytes (FormLimits.maxFieldsSize)");
  }

  /**
   * With the default limits, eleven 1 MiB text fields (each within the 10 MiB maxPartSize, far
   * fewer than 1000 parts) on a route that streams up to 64 MiB: 413 once 10 MiB of them are in
   * memory, not the whole body held.
   */
  @Test
  void theDefaultLimitsBoundTextFieldsOnAStreamedRoute() {
    int field = 1 << 20;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 10; i++) {
      body.writeBytes(ascii(fieldPart("f" + i, field - 2)));
    }
    body.writeBytes(ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"fa\"\r\n\r\n"));
    RawResponse r = answerBeforeTheEnd("/defaults", MULTIPART, 60_000_000, body.toByteArray());
    assertThat(r.status()).as(r.text()).isEqualTo(413);
    assertThat(r.text()).isEqualTo("the form's text fields total more than " + (10 << 20)
        + " bytes (FormLimits.maxFieldsSize)");
  }

  /**
   * Forty files of 1000 bytes, each within the 1 KiB spoolThreshold, with 32 KiB allowed in
   * memory (maxFieldsSize): the first 32 stay in memory, the rest go to disk, all intact; then a
   * file that fits what is left of the 32 KiB (768 bytes) stays in memory, one past it does not,
   * an empty one takes nothing. The same on a streamed route and on one whose body is read whole
   * (one parser), and the temporary files are gone once each request has ended.
   */
  @Test
  void smallFilesPastTheMemoryBudgetGoToDisk() throws Exception {
    List<Integer> sizes = new ArrayList<>(Collections.nCopies(40, 1000));
    sizes.addAll(List.of(700, 100, 0));
    boolean[] onDisk = new boolean[sizes.size()];
    Arrays.fill(onDisk, 32, 40, true); // 32 × 1000 bytes: 32 000 of 32 768; 1000 more do not fit
    onDisk[41] = true; // 700 fit (68 left), 100 do not, an empty file holds nothing
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    StringBuilder expected = new StringBuilder("[note=[hello]]");
    body.writeBytes(ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"));
    for (int i = 0; i < sizes.size(); i++) {
      byte[] file = block(i, sizes.get(i));
      body.writeBytes(ascii(fileHead("f", i + ".bin")));
      body.writeBytes(file);
      body.writeBytes(ascii("\r\n"));
      expected.append("{f|").append(i).append(".bin|").append(file.length).append('|').append(onDisk[i])
          .append('|').append(sha256(file)).append('}');
    }
    body.writeBytes(ascii("--" + B + "--\r\n"));
    assertThat(body.size()).isLessThan(SERVER_MAX_BODY);
    for (String path : List.of("/fields", "/whole-fields")) {
      spooled.clear();
      TestResponse r = client.post(path, body.toByteArray(), MULTIPART);
      assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
      assertThat(r.text()).as(path).isEqualTo(expected.toString());
      assertThat(spooled).as(path).hasSize(9).allMatch(p -> p.getParent().equals(spoolDir));
      Await.until(() -> spooled.stream().noneMatch(Files::exists), "the spooled files deleted after the request");
      Await.until(() -> filesIn(spoolDir) == 0, "nothing left in the spool directory");
    }
  }

  /**
   * With the default limits (1 MiB spoolThreshold, 10 MiB maxFieldsSize), twelve files of 1 MiB
   * on a streamed route: ten are kept in memory, the last two go to disk, where the form used to
   * hold all of them (maxParts × spoolThreshold: 1000 MiB for a thousand).
   */
  @Test
  void theDefaultLimitsKeepAtMost10MiBOfFilesInMemory() throws Exception {
    int count = 12;
    int size = 1 << 20;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < count; i++) {
      byte[] file = block(i, size);
      body.writeBytes(ascii(fileHead("f", i + ".bin")));
      body.writeBytes(file);
      body.writeBytes(ascii("\r\n"));
      expected.append("{f|").append(i).append(".bin|").append(size).append('|').append(i >= 10).append('|')
          .append(sha256(file)).append('}');
    }
    body.writeBytes(ascii("--" + B + "--\r\n"));
    spooled.clear();
    TestResponse r = client.post("/defaults", body.toByteArray(), MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(expected.toString());
    assertThat(spooled).hasSize(2);
    Await.until(() -> filesIn(spoolDir) == 0, "the spooled files deleted after the request");
  }

  /** A chunked body that grows past the route's streamed limit: 413 naming the limit, as the server's own. */
  @Test
  void aChunkedFormPastTheRoutesLimitIs413() {
    String part = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "x".repeat(2000)
        + "\r\n--" + B + "--\r\n";
    try (RawClient raw = RawClient.connect(client.port())) {
      RawResponse r = raw.send("POST /small HTTP/1.1\r\nHost: test\r\nContent-Type: " + MULTIPART
          + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(part.length()) + "\r\n" + part
          + "\r\n0\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.text()).isEqualTo("request body exceeds this route's limit of 1000 bytes (RouteOptions.streamedBody)");
    }
  }

  /** A form whose body stops arriving: 408 naming the timeout, as the server answers a stalled body. */
  @Test
  void aFormThatStopsArrivingIs408() {
    App app = App.builder()
        .route("POST", "/f", RouteOptions.defaults().streamedBody(1 << 20), (BlockingHandler) req -> describe(Form.read(req, LIMITS)))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().port(0).bodyReadTimeout(Duration.ofMillis(300)));
        RawClient raw = RawClient.connect(server.port())) {
      RawResponse r = raw.send("POST /f HTTP/1.1\r\nHost: test\r\nContent-Type: " + MULTIPART
          + "\r\nContent-Length: 100000\r\n\r\n" + fileHead("f", "f.bin") + "some of it").read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.text()).isEqualTo("request body read timeout: the body stopped arriving (ServerConfig.bodyReadTimeout)");
    }
  }

  /**
   * A client that leaves mid-upload, its file part already on disk: the parse stops and the
   * temporary file is deleted; nothing is left in the spool directory.
   */
  @Test
  void aClientLeavingMidUploadLeavesNoTemporaryFile() throws Exception {
    leftDone = new CountDownLatch(1);
    leftFailure.set(null);
    assertThat(filesIn(spoolDir)).isZero();
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send("POST /left HTTP/1.1\r\nHost: test\r\nContent-Type: " + MULTIPART
          + "\r\nContent-Length: 60000000\r\n\r\n"); // within the route's limit
      raw.send(ascii(fileHead("data", "big.bin")));
      for (int i = 0; i < 16; i++) {
        raw.send(block(i, 64 * 1024)); // past the 64 KiB threshold: on disk
      }
      Await.until(() -> filesIn(spoolDir) > 0, "the part spooled to a temporary file");
    } // the client leaves
    assertThat(leftDone.await(30, TimeUnit.SECONDS)).as("the handler ended").isTrue();
    assertThat(leftFailure.get()).as("the form's read failed").isNotNull();
    client.awaitIdle();
    Await.until(() -> filesIn(spoolDir) == 0, "the temporary file deleted");
  }
}
