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
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Form.read} on an HTTP/2 stream whose body is streamed ({@code RouteOptions.streamedBody}):
 * the form is parsed from the DATA frames as they arrive, a file part past the spool threshold
 * goes to disk, the body larger than the server's {@code maxBodySize}; past the route's limit, 413.
 */
@Timeout(60)
class Http2StreamedFormTest {
  private static final String B = "h2-form";
  private static final int FRAME = 16_384; // the protocol's initial SETTINGS_MAX_FRAME_SIZE
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
}
