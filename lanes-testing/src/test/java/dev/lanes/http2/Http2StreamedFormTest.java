package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.forms.Form;
import dev.lanes.forms.FormLimits;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Form.read} on an HTTP/2 stream whose body is streamed ({@code RouteOptions.streamedBody}):
 * the form is parsed from the DATA frames as they arrive, a file part past the spool threshold
 * goes to disk, the body larger than the server's {@code maxBodySize}; past the route's limit, 413;
 * a stream reset mid-upload leaves no temporary file.
 */
@Timeout(60)
class Http2StreamedFormTest {
  private static final String B = "h2-form";
  private static final int FRAME = 16_384; // the protocol's initial SETTINGS_MAX_FRAME_SIZE
  private static final int WINDOW = 256 * 1024; // the server's stream window (its SETTINGS_INITIAL_WINDOW_SIZE)
  private static final int MAX_BODY = 16 * 1024;
  private static final FormLimits LIMITS = new FormLimits(4, 1 << 20, 1024);

  private static byte[] form(byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--" + B
        + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static void send(RawH2 raw, int stream, String path, byte[] body) throws Exception {
    raw.headers(stream, RawH2.request("POST", path).add("content-type", "multipart/form-data; boundary=" + B), false);
    for (int at = 0; at < body.length; at += FRAME) {
      int end = Math.min(body.length, at + FRAME);
      raw.data(stream, Arrays.copyOfRange(body, at, end), end == body.length);
    }
  }

  private static String body(RawH2 raw, int stream) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      RawH2.Frame f = raw.await(x -> x.stream() == stream && x.type() == RawH2.DATA || x.type() == RawH2.EOF, 10);
      assertThat(f).as("DATA on stream " + stream).isNotNull();
      assertThat(f.type()).isEqualTo(RawH2.DATA);
      out.writeBytes(f.payload());
      if ((f.flags() & RawH2.END_STREAM) != 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }
  }

  @Test
  void aStreamedFormIsParsedFromTheDataFramesWithItsFileSpooled() throws Exception {
    byte[] file = new byte[48_000]; // within the stream's first window: no WINDOW_UPDATE needed
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) (i * 13 + (i >> 8));
    }
    App app = App.builder()
        .route("POST", "/form", RouteOptions.defaults().streamedBody(1 << 20), (BlockingHandler) req -> {
          Form form = Form.read(req, LIMITS);
          UploadFile f = form.file("f").orElseThrow();
          try {
            return Response.text(form.fields().get("note") + " " + f.size() + " " + f.onDisk() + " "
                + Arrays.equals(f.bytes(), file));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .route("POST", "/small", RouteOptions.defaults().streamedBody(20_000),
            (BlockingHandler) req -> Response.text("fields " + Form.read(req, LIMITS).fields().names()))
        .build();
    byte[] body = form(file);
    assertThat(body.length).isGreaterThan(MAX_BODY);
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(MAX_BODY));
        RawH2 raw = new RawH2(server.port())) {
      send(raw, 1, "/form", body);
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer).isNotNull();
      assertThat(answer.headers().status().toString()).isEqualTo("200");
      assertThat(body(raw, 1)).isEqualTo("hi 48000 true true");

      send(raw, 3, "/small", body);
      RawH2.Frame refused = raw.answer(3, 10);
      assertThat(refused).isNotNull();
      assertThat(refused.headers().status().toString()).isEqualTo("413");
      assertThat(body(raw, 3)).isEqualTo("request body exceeds this route's limit of 20000 bytes (RouteOptions.streamedBody)");
    }
  }
  /** A stream reset mid-upload (RST_STREAM): the parse stops and the spooled part is deleted. */
  @Test
  void aStreamResetMidUploadLeavesNoTemporaryFile(@TempDir Path spoolDir) throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    App app = App.builder()
        .route("POST", "/form", RouteOptions.defaults().streamedBody(1 << 20), (BlockingHandler) req -> {
          try {
            return Response.text("parsed " + Form.read(req, LIMITS).files().size());
          } catch (RuntimeException e) {
            failure.set(e);
            throw e;
          } finally {
            ended.countDown();
          }
        })
        .get("/hello", req -> Response.text("hello"))
        .build();
    String old = DiskFileUpload.baseDirectory;
    DiskFileUpload.baseDirectory = spoolDir.toString();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(MAX_BODY));
        RawH2 raw = new RawH2(server.port())) {
      byte[] body = form(new byte[200_000]);
      raw.awaitServerSettings(); // its window, not the protocol's 64 KiB
      raw.headers(1, RawH2.request("POST", "/form").add("content-type", "multipart/form-data; boundary=" + B), false);
      // Part of it: three frames, then two more once the stream's window has room for them
      // (past the 64 KiB a part's file is written in).
      for (int at = 0; at < 3 * FRAME; at += FRAME) {
        raw.data(1, Arrays.copyOfRange(body, at, at + FRAME), false);
      }
      for (int window = WINDOW - 3 * FRAME; window < 2 * FRAME; ) {
        RawH2.Frame update = raw.await(f -> f.stream() == 1 && f.type() == RawH2.WINDOW_UPDATE || f.type() == RawH2.EOF, 10);
        assertThat(update).isNotNull();
        assertThat(update.type()).isEqualTo(RawH2.WINDOW_UPDATE);
        window += java.nio.ByteBuffer.wrap(update.payload()).getInt() & 0x7fffffff;
      }
      for (int at = 3 * FRAME; at < 5 * FRAME; at += FRAME) {
        raw.data(1, Arrays.copyOfRange(body, at, at + FRAME), false);
      }
      Await.until(() -> filesIn(spoolDir) > 0, "the file part spooled to disk");
      raw.rst(1, 8); // CANCEL
      assertThat(ended.await(30, TimeUnit.SECONDS)).as("the handler ended").isTrue();
      assertThat(failure.get()).as("the form's read failed").isNotNull();
      Await.until(() -> filesIn(spoolDir) == 0, "the temporary file deleted");
      raw.headers(3, RawH2.request("GET", "/hello"), true);
      assertThat(raw.answer(3, 10).headers().status().toString()).isEqualTo("200");
    } finally {
      DiskFileUpload.baseDirectory = old;
    }
  }

  private static long filesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
