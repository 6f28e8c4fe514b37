package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Headers;
import dev.lanes.http.Request;
import dev.lanes.http.RequestScope;
import dev.lanes.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request that ends while its form is being parsed (a disconnect closes its scope from the event
 * loop; the parse runs on the files lane) must still leave no temporary file behind: the scope is
 * closed at the moment the parse has spooled a part to disk, many times over.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormCleanupRaceTest {
  private static final String BOUNDARY = "race";
  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

  @Test
  void aRequestEndingMidParseLeavesNoTemporaryFile() throws Exception {
    byte[] body = multipart(3, 2_500_000); // three parts over the 1 MiB spool threshold
    long before = spooled();
    try (Lanes lanes = Lanes.defaults().build()) {
      for (int i = 0; i < 30; i++) {
        RequestScope scope = RequestScope.create();
        Request request = Request.builder("POST", "/upload")
            .headers(Headers.of("content-type", "multipart/form-data; boundary=" + BOUNDARY))
            .body(body).lanes(lanes).scope(scope).build();
        CompletableFuture<Form> parsing = Form.readAsync(request);
        // The request ends once the parse has a part on disk, or after the parse if it was quicker.
        Await.until(() -> spooled() > before || parsing.isDone(), "a part spooled to disk");
        scope.cancel();
        parsing.handle((form, error) -> null).join();
        Await.until(() -> spooled() <= before, "the temporary files of request " + i + " deleted");
      }
    }
    assertThat(spooled()).isLessThanOrEqualTo(before);
  }

  private static long spooled() {
    try (Stream<Path> files = Files.list(TMP)) {
      return files.filter(p -> p.getFileName().toString().startsWith("FUp_")).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] multipart(int parts, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int p = 0; p < parts; p++) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f" + p + "\"; filename=\"f" + p
          + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(new byte[size]);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
