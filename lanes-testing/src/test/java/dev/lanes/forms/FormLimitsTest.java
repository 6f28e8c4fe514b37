package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A form field or part past its limit, too many fields, text fields past their total, or a part's
 * header block past 8 KiB (as the request's own head), is refused with 413.
 */
class FormLimitsTest {
  private static final String BOUNDARY = "----lanes-boundary";
  private static final FormLimits LIMITS = new FormLimits(3, 1024, 512);
  private static final FormLimits FIELDS = new FormLimits(100, 1024, 512, 2048);

  private static App app() {
    return App.builder()
        .post("/f", req -> describe(Form.read(req, LIMITS)))
        .post("/fields", req -> describe(Form.read(req, FIELDS)))
        .build();
  }

  private static Response describe(Form form) {
    StringBuilder sb = new StringBuilder();
    for (String n : form.fields().names()) {
      sb.append(n).append('=').append(form.fields().get(n).length()).append(';');
    }
    return Response.text("fields " + sb + " files=" + form.files().size());
  }

  private static String field(String name, String value) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  /** A body read whole is bounded by the same total as a streamed one: names and values count. */
  @Test
  void multipartTextFieldsPastMaxFieldsSizeAre413() {
    try (TestClient c = TestClient.start(app())) {
      String atTheLimit = field("a", "x".repeat(1023)) + field("b", "y".repeat(1023));
      TestResponse ok = c.post("/fields", atTheLimit + "--" + BOUNDARY + "--\r\n", "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
      assertThat(ok.text()).isEqualTo("fields a=1023;b=1023; files=0");
      TestResponse r = c.post("/fields", atTheLimit + field("c", "") + "--" + BOUNDARY + "--\r\n",
          "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(413);
      assertThat(r.text()).isEqualTo("the form's text fields total more than 2048 bytes (FormLimits.maxFieldsSize)");
    }
  }

  /** File parts do not count towards maxFieldsSize: they are spooled past the threshold. */
  @Test
  void filePartsDoNotCountTowardsMaxFieldsSize() {
    String file = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n"
        + "z".repeat(1000) + "\r\n";
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/fields", field("a", "x".repeat(1023)) + file.repeat(3) + "--" + BOUNDARY + "--\r\n",
          "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("fields a=1023; files=3");
    }
  }

  @Test
  void urlencodedPairsPastMaxFieldsSizeAre413() {
    try (TestClient c = TestClient.start(app())) {
      String atTheLimit = "a=" + "x".repeat(1023) + "&b=" + "%79".repeat(1023);
      TestResponse ok = c.post("/fields", atTheLimit, "application/x-www-form-urlencoded");
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
      assertThat(ok.text()).isEqualTo("fields a=1023;b=1023; files=0");
      TestResponse r = c.post("/fields", atTheLimit + "&c", "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.text()).isEqualTo(413);
      assertThat(r.text()).isEqualTo("the form's text fields total more than 2048 bytes (FormLimits.maxFieldsSize)");
    }
  }

  /** The three-argument limits keep what they bounded (maxParts × maxPartSize), at most the default total. */
  @Test
  void maxFieldsSizeIsDerivedAndChecked() {
    assertThat(FormLimits.defaults().maxFieldsSize()).isEqualTo(10L << 20);
    assertThat(new FormLimits(3, 1024, 512).maxFieldsSize()).isEqualTo(3072);
    assertThat(new FormLimits(10, 2L << 30, 1 << 20).maxFieldsSize()).isEqualTo(10L << 20);
    assertThat(new FormLimits(Integer.MAX_VALUE, Long.MAX_VALUE, 0).maxFieldsSize()).isEqualTo(10L << 20);
    assertThat(new FormLimits(1, 1, 0, Long.MAX_VALUE).maxFieldsSize()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> new FormLimits(1, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFieldsSize must be positive: 0");
    assertThatThrownBy(() -> new FormLimits(0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("form limits must be positive");
  }

  @Test
  void aMultipartTextFieldOverMaxPartSizeIs413() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n"
        + "x".repeat(4096) + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/f", out.toByteArray(), "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(413);
    }
  }

  @Test
  void anUrlencodedFieldOverMaxPartSizeIs413() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/f", "big=" + "x".repeat(4096), "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.text()).isEqualTo(413);
    }
  }

  @Test
  void tooManyUrlencodedFieldsIs413() {
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/f", "a=1&b=2&c=3&d=4&e=5", "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.text()).isEqualTo(413);
    }
  }

  /**
   * A part's header block is bounded as the request's head is: without it one part could carry
   * megabytes of header lines, and obsolete folded lines were joined by copying the header so far
   * for each (quadratic: a 480 KB body took seconds of CPU).
   */
  @Test
  void aPartWhoseHeadersPassEightKibIs413() {
    String folded = "Content-Disposition: form-data; name=\"a\"\r\nX-Folded: v\r\n" + " a\r\n".repeat(3000);
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/f", "--" + BOUNDARY + "\r\n" + folded + "\r\nx\r\n--" + BOUNDARY + "--\r\n",
          "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(413);
      assertThat(r.text()).isEqualTo("form part 1's headers are larger than 8192 bytes");
    }
  }

  /** A header folded over lines (RFC 5322's obsolete syntax) is still read, as one line. */
  @Test
  void aFoldedPartHeaderIsReadAsOneLine() {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data;\r\n name=\"folded\";\r\n\tx=y\r\n\r\n"
        + "abc\r\n--" + BOUNDARY + "--\r\n";
    try (TestClient c = TestClient.start(app())) {
      TestResponse r = c.post("/f", body, "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("fields folded=3; files=0");
    }
  }
}
