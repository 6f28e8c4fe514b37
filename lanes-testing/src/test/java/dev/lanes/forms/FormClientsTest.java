package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What browsers, curl and Python clients send, read as Starlette (python-multipart) reads it: a
 * backslash in a name as sent, an empty file input, RFC 5987 file names, a content line that starts
 * with the boundary, urlencoded {@code +}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormClientsTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .post("/f", req -> {
          Form f = Form.read(req);
          StringBuilder sb = new StringBuilder();
          for (String n : f.fields().names()) { // in the order sent, as Starlette keeps them
            sb.append('[').append(n).append('=').append(f.fields().all(n)).append(']');
          }
          for (UploadFile u : f.files()) {
            sb.append('{').append(u.fieldName()).append('|').append(u.filename()).append('|')
                .append(new String(u.bytes(), StandardCharsets.UTF_8)).append('}');
          }
          return Response.text(sb.toString());
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse post(String body, String type) {
    return client.post("/f", body.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Browsers (HTML spec) escape only CR, LF and '"' (as %0D %0A %22) in names: a backslash is sent raw. */
  @Test
  void aFileNameEndingInBackslashAsBrowsersSendIt() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"x\\\"\r\n"
        + "Content-Type: text/plain\r\n\r\nabc\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{doc|x\\|abc}");
  }

  @Test
  void aFileNameWithBackslashIsKeptAsSent() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a\\b.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nabc\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{doc|a\\b.txt|abc}");
  }

  /** A browser's file input with no file chosen: filename="" and an empty body. */
  @Test
  void anEmptyFileInput() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[t=[v]]{doc||}");
  }

  @Test
  void extendedFileName() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename*=UTF-8''%E2%82%AC.txt\r\n"
        + "\r\nabc\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{doc|\u20ac.txt|abc}");
  }

  /** A line of content that starts with the boundary but goes on is content (python-multipart). */
  @Test
  void contentLineStartingWithTheBoundary() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nline\r\n--" + B + "abc\r\nmore\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[t=[line\r\n--" + B + "abc\r\nmore]]");
  }

  @Test
  void urlencodedPlus() {
    TestResponse r = post("a=1+2&b=%2B&c", "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[a=[1 2]][b=[+]][c=[]]");
  }
}
