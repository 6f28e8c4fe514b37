package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file sent as a download under another name (Starlette's {@code FileResponse(filename=...)}):
 * {@code Content-Disposition: attachment}, with RFC 6266's {@code filename*} (RFC 8187 UTF-8)
 * for a name plain {@code filename} cannot carry, and an ASCII fallback for old clients.
 */
class FileAttachmentTest {
  @TempDir Path dir;

  private TestResponse download(String name) throws Exception {
    Path file = Files.writeString(dir.resolve("stored.bin"), "0123456789");
    App app = App.builder().get("/dl", req -> FileResponse.attachment(req, file, name)).build();
    try (TestClient c = TestClient.start(app)) {
      return c.get("/dl");
    }
  }

  @Test
  void anAsciiNameIsAQuotedFilename() throws Exception {
    TestResponse r = download("report 2026.pdf");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("0123456789");
    assertThat(r.header("content-disposition")).contains("attachment; filename=\"report 2026.pdf\"");
    assertThat(r.header("content-type")).as("the type follows the name given").contains("application/pdf");
  }

  @Test
  void aNonAsciiNameIsSentAsFilenameStarWithAnAsciiFallback() throws Exception {
    TestResponse r = download("résumé €.txt");
    assertThat(r.header("content-disposition"))
        .contains("attachment; filename=\"r_sum_ _.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.txt");
    assertThat(r.header("content-type")).contains("text/plain; charset=utf-8");
  }

  /** Quotes, backslashes and control characters can neither end the quoted name nor the header. */
  @Test
  void quotesBackslashesAndLineBreaksStayInsideTheName() throws Exception {
    TestResponse r = download("a\"b\\c\r\nSet-Cookie: x=1.txt");
    assertThat(r.header("set-cookie")).isEmpty();
    assertThat(r.header("content-disposition")).contains("attachment; filename=\"a_b_c__Set-Cookie: x=1.txt\"; "
        + "filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1.txt");
  }

  /**
   * A '%' with two hex digits after it is read as an escape by some clients (RFC 6266 appendix
   * D): "100%25.txt" would be saved as "100%.txt". The exact name goes in filename*, which such
   * clients prefer, and the fallback has no '%'; Starlette's quote() sends it as filename* too.
   */
  @Test
  void aPercentIsSentAsFilenameStarNotInThePlainName() throws Exception {
    TestResponse r = download("100%25 done.txt");
    assertThat(r.header("content-disposition"))
        .contains("attachment; filename=\"100_25 done.txt\"; filename*=UTF-8''100%2525%20done.txt");
  }
}
