package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Form makes of unusual or malformed bodies. Content-Type parameters are read in any order;
 * field names and file names are passed on exactly as sent ({@code filename*} included); a body
 * that is not a complete multipart body of the declared boundary, or a malformed part or header,
 * is a 400 with a fixed message saying what is wrong (never Java exception text); 413 comes only
 * from the limits themselves, never from the client's text; a temporary directory the server
 * cannot write to is a 500 that shows no server path. What browsers, curl and Python clients send
 * is read as Starlette (python-multipart) reads it: a backslash in a name as sent, an empty file
 * input, RFC 5987 file names, a content line that starts with the boundary, urlencoded {@code +}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormParsingEdgesTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  /** A field {@code title=hello} and a file {@code doc} ({@code a.txt}, "file body"). */
  private static final String SIMPLE = "--" + B + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
      + "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
      + "Content-Type: text/plain\r\n\r\nfile body\r\n--" + B + "--\r\n";

  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .post("/f", req -> Response.text(describe(Form.read(req))))
        .route("POST", "/streamed", RouteOptions.defaults().streamedBody(1 << 20),
            (BlockingHandler) req -> Response.text(describe(Form.read(req))))
        .build();
    client = TestClient.start(app);
  }

  private static String describe(Form f) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    for (String n : f.fields().names()) {
      sb.append('[').append(n).append('=').append(f.fields().all(n)).append(']');
    }
    for (UploadFile u : f.files()) {
      sb.append('{').append(u.fieldName()).append('|').append(u.filename()).append('|')
          .append(new String(u.bytes(), StandardCharsets.UTF_8)).append('}');
    }
    return sb.toString();
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse post(String body, String type) {
    return client.post("/f", body.getBytes(StandardCharsets.UTF_8), type);
  }

  /**
   * Media-type parameters come in any order (RFC 9110 8.3.1). Netty's decoder looked for the
   * boundary in the first two parameters only and read such a body as urlencoded: 200 with one
   * nonsense field, the file lost.
   */
  @Test
  void aBoundaryAfterTwoOtherParametersIsStillMultipart() {
    TestResponse r = post(SIMPLE, "multipart/form-data; charset=utf-8; foo=bar; boundary=" + B);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[title=[hello]]{doc|a.txt|file body}");
  }

  /**
   * A body whose parts are not delimited by the declared boundary is not a multipart form of that
   * boundary; Netty's decoder accepted it as an empty form, every field and file silently lost (the
   * typed layer then reports them "missing" with 422 instead of a malformed body).
   */
  @Test
  void aBodyWithoutTheDeclaredBoundaryIs400() {
    TestResponse r = post(SIMPLE, "multipart/form-data; boundary=Other");
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  /**
   * A form with nothing in it (Content-Length: 0, or a chunked body of no chunks) is an empty
   * form, multipart as urlencoded, as Starlette reads it: the multipart one was a 400 ("no line
   * with the declared multipart boundary"). Read whole and streamed alike.
   */
  @Test
  void anEmptyBodyIsAnEmptyForm() {
    for (String path : new String[] {"/f", "/streamed"}) {
      for (String type : new String[] {MULTIPART, "application/x-www-form-urlencoded"}) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Type: " + type + "\r\n";
        for (String framing : new String[] {"Content-Length: 0\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"}) {
          try (RawClient c = RawClient.connect(client.port())) {
            RawResponse r = c.send(head + framing).read();
            assertThat(r.status()).as(path + " " + type + " " + framing).isEqualTo(200);
            assertThat(r.text()).as(path + " " + type + " " + framing).isEmpty();
          }
        }
      }
    }
  }

  /**
   * A body that is not empty is read as a multipart body: one that holds only a line end or
   * blanks is still a 400 saying what is wrong, and so is an empty body without a boundary.
   */
  @Test
  void aBodyOfOnlyALineEndOrNoBoundaryIsStill400() {
    for (String body : new String[] {"\r\n", " ", "--"}) {
      TestResponse r = post(body, MULTIPART);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.text()).as(body).isEqualTo("malformed form: the body has no line with the declared multipart boundary");
    }
    TestResponse noBoundary = post("", "multipart/form-data");
    assertThat(noBoundary.status()).isEqualTo(400);
    assertThat(noBoundary.text()).isEqualTo("malformed form: multipart/form-data without a boundary parameter");
  }

  /** A body that ends before its close delimiter is incomplete (its last part was dropped without a word). */
  @Test
  void aBodyCutBeforeItsCloseDelimiterIs400() {
    String cut = SIMPLE.substring(0, SIMPLE.indexOf("file body") + "file body".length());
    TestResponse r = post(cut, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  /**
   * A body whose lines end in LF alone (a hand-written body, a heredoc) has no CRLF before its
   * boundaries, so its first part never ends: refused as python-multipart refuses it, with a
   * message that says so (it said only that the body ends before its closing boundary, which
   * it has).
   */
  @Test
  void aBodyWithBareLineFeedsIsRefusedNamingThem() {
    TestResponse r = post(SIMPLE.replace("\r\n", "\n"), MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.text()).isEqualTo("malformed form: multipart body ends before its closing boundary"
        + " (its lines end in LF alone; a boundary line follows CRLF)");
    TestResponse cut = post(SIMPLE.substring(0, SIMPLE.indexOf("file body")), MULTIPART);
    assertThat(cut.text()).isEqualTo("malformed form: multipart body ends before its closing boundary");
  }

  /**
   * Malformed input from the client is a 400, never a 500 with an ERROR log: an empty boundary,
   * a boundary that is a lone quote, and a part whose charset is not a legal charset name (these
   * escaped Form.parse as runtime exceptions from Netty: StringIndexOutOfBoundsException,
   * IllegalCharsetNameException).
   */
  @Test
  void anEmptyBoundaryIs400() {
    TestResponse r = post(SIMPLE, "multipart/form-data; boundary=");
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  @Test
  void aLoneQuoteBoundaryIs400() {
    TestResponse r = post(SIMPLE, "multipart/form-data; boundary=\"");
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  @Test
  void anIllegalPartCharsetIs400() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
        + "Content-Type: text/plain; charset=utf@8\r\n\r\nx\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  /**
   * 413 comes from the size check, not from the client's text: Form used to look for "exceed" in
   * Netty's exception messages, which quote the client's text, so an 11-byte body with a bad
   * escape was answered 413 "a form part is larger than 10485760 bytes".
   */
  @Test
  void aMalformedFieldMentioningExceedIsNot413() {
    TestResponse r = post("a=exceed%zz", "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[a=[exceed%zz]]");
  }

  /**
   * A '%' that does not start an escape of two hex digits is kept as sent (WHATWG URL,
   * application/x-www-form-urlencoded parsing; Starlette reads it so too): {@code curl -d
   * 'discount=50%'} sends it raw. It was a 400. Raw bytes are read in the form's charset.
   */
  @Test
  void aPercentThatStartsNoEscapeIsKeptAsSent() {
    byte[] body = "a=%zz&b=100%&c=%4&d=%E2%82%AC+x&e=%2B&%=%25&f=\u00e9".getBytes(StandardCharsets.UTF_8);
    TestResponse r = client.post("/f", body, "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[a=[%zz]][b=[100%]][c=[%4]][d=[\u20ac x]][e=[+]][%=[%]][f=[\u00e9]]");
  }

  @Test
  void anUnknownTransferEncodingNamedExceedIs400Not413() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n"
        + "Content-Transfer-Encoding: exceed\r\n\r\nx\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  /**
   * UploadFile.filename is "the file name the client sent" (Starlette gives it as sent), and a
   * field is found by the name it was sent with. Netty's decoder replaced ',', '=', ':', ';' and
   * tabs with spaces and trimmed: "report, final=v2.pdf" becomes "report  final v2.pdf".
   */
  @Test
  void filenamesAndFieldNamesArePassedOnAsSent() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"report, final=v2.pdf\"\r\n\r\n"
        + "x\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"size, in cm\"\r\n\r\n12\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[size, in cm=[12]]{doc|report, final=v2.pdf|x}");
  }

  /**
   * A malformed part is refused with 400 and a message saying what is wrong with it, not the
   * text of a NullPointerException inside Netty ("Cannot invoke ...Attribute.getValue() because
   * nameAttribute is null") or an ArrayIndexOutOfBoundsException.
   */
  @Test
  void aPartWithoutContentDispositionIsRefusedWithAClearMessage() {
    TestResponse r = post("--" + B + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + B + "--\r\n", MULTIPART);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).doesNotContain("Exception").containsIgnoringCase("content-disposition");
  }

  @Test
  void aMalformedExtendedFilenameIsRefusedWithAClearMessage() {
    TestResponse r = post("--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename*=a.txt\r\n\r\nx\r\n--"
        + B + "--\r\n", MULTIPART);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).doesNotContain("Exception");
  }

  /**
   * A temporary directory the server cannot write to is the server's failure, not the client's:
   * 500, without the server's paths in the answer. Form answered 400 "malformed form:
   * java.nio.file.NoSuchFileException: /the/server/path/FUp_...".
   */
  @Test
  void anUnwritableTemporaryDirectoryIsAServerErrorNotTheClients() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[2 * 1024 * 1024]); // over the 1 MiB spool threshold
    out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    String old = DiskFileUpload.baseDirectory;
    DiskFileUpload.baseDirectory = "/nonexistent-lanes-spool-dir";
    try {
      TestResponse r = client.post("/f", out.toByteArray(), MULTIPART);
      assertThat(r.text()).doesNotContain("/nonexistent-lanes-spool-dir");
      assertThat(r.status()).as(r.text()).isEqualTo(500);
    } finally {
      DiskFileUpload.baseDirectory = old;
    }
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

  /**
   * A hidden field named {@code _charset_} tells the encoding the browser used for the form (HTML,
   * RFC 7578 4.6): the text fields without a charset of their own are decoded in it, wherever in
   * the form it comes; it was ignored, so a form sent from a Latin-1 page read its 0xE9 as U+FFFD.
   */
  @Test
  void aCharsetFieldNamesTheEncodingOfTheOtherTextFields() {
    byte[] body = latin1("--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ncaf\u00e9\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"_charset_\"\r\n\r\nISO-8859-1\r\n"
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"b\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        ;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body);
    out.writeBytes("\u20ac".getBytes(StandardCharsets.UTF_8)); // its own charset wins
    out.writeBytes(latin1("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n\u00fc\r\n--" + B + "--\r\n"));
    TestResponse r = client.post("/f", out.toByteArray(), MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[a=[caf\u00e9]][_charset_=[ISO-8859-1]][b=[\u20ac]][c=[\u00fc]]");

    TestResponse urlencoded = client.post("/f", latin1("a=%E9&_charset_=iso-8859-1&b=\u00fc"),
        "application/x-www-form-urlencoded");
    assertThat(urlencoded.status()).as(urlencoded.text()).isEqualTo(200);
    assertThat(urlencoded.text()).isEqualTo("[a=[\u00e9]][_charset_=[iso-8859-1]][b=[\u00fc]]");
  }

  /** A {@code _charset_} that names no charset is the client's error, as an unknown charset parameter is. */
  @Test
  void aCharsetFieldNamingNoCharsetIs400() {
    String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"_charset_\"\r\n\r\nutf@8\r\n--" + B + "--\r\n";
    TestResponse r = post(body, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.text()).isEqualTo("malformed form: the _charset_ field names an unknown charset");
    TestResponse u = post("_charset_=nope&a=b", "application/x-www-form-urlencoded");
    assertThat(u.status()).as(u.text()).isEqualTo(400);
    assertThat(u.text()).isEqualTo("malformed form: the _charset_ field names an unknown charset");
    // An empty one (a hidden input copied by a script, not filled by a browser) names nothing.
    TestResponse empty = post("_charset_=&a=%C3%A9", "application/x-www-form-urlencoded");
    assertThat(empty.text()).isEqualTo("[_charset_=[]][a=[\u00e9]]");
  }

  /**
   * A boundary of bytes past ASCII (RFC 2046 allows none, python-multipart takes it): the header's
   * bytes are its boundary, and the body's lines carry the same bytes. Lanes looked for the
   * header's characters in UTF-8, other bytes than those sent, and answered 400 "the body has no
   * line with the declared multipart boundary", which it has.
   */
  @Test
  void aBoundaryOfBytesPastAsciiIsTheSameBytesInTheBody() {
    String b = "\u00c3\u00a9"; // UTF-8's 'é' as sent, a char per byte
    String body = "--" + b + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--" + b + "--\r\n";
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send("POST /f HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=" + b
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      RawResponse r = raw.read();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("[a=[v]]");
    }
  }

  /**
   * A {@code filename*} Lanes cannot read beside a {@code filename} it can: the plain one is the
   * fallback RFC 6266 4.3 has senders give for recipients that cannot use the extended one, so the
   * upload is read under it (as Starlette, which reads only {@code filename}); it was a 400 for the
   * whole form. Without a {@code filename} it stays a 400.
   */
  @Test
  void anUnreadableExtendedFileNameFallsBackToThePlainOne() {
    for (String ext : new String[] {"bogus", "", "x-unknown-charset''a.txt", "UTF-8''%zz"}) {
      String body = "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"; filename*=" + ext
          + "\r\n\r\nabc\r\n--" + B + "--\r\n";
      TestResponse r = post(body, MULTIPART);
      assertThat(r.status()).as(ext + ": " + r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("{doc|a.txt|abc}");
    }
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
