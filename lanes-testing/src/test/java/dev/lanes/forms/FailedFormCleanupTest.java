package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A form whose parse fails (a body cut before its closing boundary, a part past a limit) has its
 * temporary files deleted when the parse fails, before the handler answers, as Starlette's
 * parser closes its files before it raises: they were kept until the request ended, so a
 * handler that caught the error and went on (or a slow 400 to a slow client) kept an upload
 * that nothing could read any more on disk. The handler below counts the spool directory's
 * files when {@code Form.read} has failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailedFormCleanupTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static final FormLimits LIMITS = new FormLimits(4, 3L << 20, 64 * 1024);
  @TempDir
  static Path spoolDir;
  private static String oldBaseDirectory;
  private static TestClient client;

  @BeforeAll
  static void start() {
    oldBaseDirectory = DiskFileUpload.baseDirectory;
    DiskFileUpload.baseDirectory = spoolDir.toString();
    BlockingHandler failing = req -> {
      try {
        Form.read(req, LIMITS);
        return Response.text("parsed");
      } catch (HttpException e) {
        return Response.text(e.status() + " files left: " + filesIn(spoolDir));
      }
    };
    App app = App.builder()
        .route("POST", "/whole", RouteOptions.defaults(), failing)
        .route("POST", "/streamed", RouteOptions.defaults().streamedBody(64L << 20), failing)
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
    DiskFileUpload.baseDirectory = oldBaseDirectory;
  }

  @Test
  void aBodyCutBeforeItsClosingBoundaryLeavesNoFileWhenTheReadFails() {
    byte[] cut = body(false, 1 << 20);
    for (String path : new String[] {"/whole", "/streamed"}) {
      TestResponse r = client.post(path, cut, MULTIPART);
      assertThat(r.text()).as(path).isEqualTo("400 files left: 0");
    }
  }

  @Test
  void aPartPastItsLimitLeavesNoFileWhenTheReadFails() {
    byte[] tooLarge = body(true, 4 << 20); // its second file past maxPartSize (3 MiB)
    for (String path : new String[] {"/whole", "/streamed"}) {
      TestResponse r = client.post(path, tooLarge, MULTIPART);
      assertThat(r.text()).as(path).isEqualTo("413 files left: 0");
    }
  }

  /** A file part of 1 MiB (spooled: past the 64 KiB threshold), then one of {@code second} bytes. */
  private static byte[] body(boolean closed, int second) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head("a"));
    out.writeBytes(new byte[1 << 20]);
    out.writeBytes(ascii("\r\n"));
    out.writeBytes(head("b"));
    out.writeBytes(new byte[second]);
    if (closed) {
      out.writeBytes(ascii("\r\n--" + B + "--\r\n"));
    }
    return out.toByteArray();
  }

  private static byte[] head(String name) {
    return ascii("--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
        + ".bin\"\r\n\r\n");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static long filesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
