package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A multipart form whose media type is not in lower case is still read as multipart. */
class FormEdgesTest {
  private static final String B = "----lanes-boundary";

  /**
   * Media types are case-insensitive (RFC 9110 8.3.1); Netty's multipart check is not, and read
   * such a body as urlencoded, silently (200, no files, nonsense fields).
   */
  @Test
  void aMultipartTypeInOtherCaseIsParsedAsMultipart() {
    App app = App.builder()
        .post("/ok", req -> {
          Form f = Form.read(req);
          return Response.text("fields=" + f.fields().names().size() + " title=" + f.fields().optional("title").orElse("-")
              + " files=" + f.files().size());
        })
        .build();
    byte[] body = ("--" + B + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nfile body\r\n--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8);
    try (TestClient c = TestClient.start(app)) {
      TestResponse lower = c.post("/ok", body, "multipart/form-data; boundary=" + B);
      TestResponse mixed = c.post("/ok", body, "Multipart/Form-Data; boundary=" + B);
      assertThat(lower.text()).isEqualTo("fields=1 title=hello files=1");
      assertThat(mixed.text()).isEqualTo("fields=1 title=hello files=1");
    }
  }
}
