package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Headers;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.RequestScope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A streamed body ({@code Request.bodyStream()} on a {@code RouteOptions.streamedBody} route) is
 * read as it arrives, in pieces of any size: delimiters, header lines and near-delimiters split
 * across reads give the same form, or the same error, as the body read whole.
 */
class FormChunkingTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static final FormLimits LIMITS = new FormLimits(5, 64, 16);

  /** An InputStream that hands out at most {@code piece} bytes per read. */
  private static InputStream inPieces(byte[] body, int piece) {
    return new ByteArrayInputStream(body) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, piece));
      }
    };
  }

  private static String outcome(Request request) {
    return outcome(request, LIMITS);
  }

  /**
   * The form or error; the request's scope is then closed, as the server closes it when the
   * request ends, which deletes its spooled files (left open, every run left some in /tmp).
   */
  private static String outcome(Request request, FormLimits limits) {
    List<Path> spooled = new ArrayList<>();
    try {
      Form form = Form.read(request, limits);
      StringBuilder sb = new StringBuilder();
      for (String n : form.fields().names()) {
        sb.append('[').append(n).append('=').append(form.fields().all(n)).append(']');
      }
      for (UploadFile f : form.files()) {
        f.path().ifPresent(spooled::add);
        sb.append('{').append(f.fieldName()).append('|').append(f.filename()).append('|')
            .append(new String(f.bytes(), StandardCharsets.ISO_8859_1)).append('|').append(f.onDisk()).append('}');
      }
      return sb.toString();
    } catch (HttpException e) {
      return e.status() + " " + e.getMessage();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      request.scope().close();
      assertThat(spooled).allSatisfy(p -> assertThat(p).doesNotExist());
    }
  }

  @Test
  void everyWayOfSplittingABodyGivesTheFormOfTheWholeBody() {
    String ok = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
    String unclosed = "400 malformed form: multipart body ends before its closing boundary";
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put(ok + "--" + B + "--\r\n", "[a=[1]]");
    bodies.put("--" + B + "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\r\n--" + B + "x\r\n-\r\n--" + B
        + "-y\r\n--" + B + " \t\r\nContent-Disposition: form-data; name=\"u\"\r\n\r\nv\r\n--" + B + "--",
        "[t=[\r\n--" + B + "x\r\n-\r\n--" + B + "-y]][u=[v]]");
    bodies.put("pre\r\n--" + B + "x\r\n--" + B + "\t \r\n" + "Content-Disposition: form-data;\r\n name=\"f\";"
        + " filename=\"f.txt\"\r\n\r\n" + "0123456789abcdef0123456789\r\n--" + B + "--\r\nepilogue",
        "{f|f.txt|0123456789abcdef0123456789|true}");
    bodies.put(ok + "--" + B + "\r\r\n--" + B + "--", "400 malformed form: text after a multipart boundary on its line");
    bodies.put("--" + B + "\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--" + B + "\r\n"
        + "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--" + B + "--", "[e=[]]{f|||false}");
    bodies.put(ok + "--" + B, unclosed); // ends on a delimiter without its line's end
    bodies.put(ok + "--" + B + "-", unclosed); // ends inside a close delimiter
    bodies.put(ok + "\r\n--" + B.substring(0, 2), unclosed); // ends inside a delimiter
    bodies.put("--" + B + "\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n" + "x".repeat(65) + "\r\n--" + B
        + "--", "413 a form part is larger than 64 bytes");
    bodies.put("--" + B + "\r\nContent-Disposition: form-data; name=\"h\"\r\nX: " + "v".repeat(9000),
        "413 form part 1's headers are larger than 8192 bytes");
    bodies.put("--" + B + "\r\nContent-Disposition: form-data; name=\"h\"\r\nX: v", unclosed);
    bodies.put("--" + B + "  \r\n" + "Content-Disposition: form-data; name=\"pad\"\r\n\r\nv\r\n--" + B + "--", "[pad=[v]]");
    bodies.put(ok.repeat(6) + "--" + B + "--", "413 too many form parts (at most 5)");
    bodies.put(ok + "--" + B + " ".repeat(1025) + "\r\n", "400 malformed form: a multipart boundary followed by more"
        + " than 1024 blanks"); // a delimiter line that would have to be read on and on
    bodies.put(ok + "--" + B + "\t".repeat(1024) + "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--"
        + B + "--", "[a=[1]][b=[2]]");
    bodies.put("", ""); // an empty body: a form without parts
    bodies.put("\r\n", "400 malformed form: the body has no line with the declared multipart boundary");
    bodies.put("no delimiter at all \r\n--" + B + "x",
        "400 malformed form: the body has no line with the declared multipart boundary");
    try (Lanes lanes = Lanes.defaults().build()) {
      for (Map.Entry<String, String> e : bodies.entrySet()) {
        String text = e.getKey();
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        String whole = outcome(request(body, lanes, null));
        assertThat(whole).as(text).isEqualTo(e.getValue());
        for (int piece : new int[] {1, 2, 3, 5, 7, 64}) {
          assertThat(outcome(request(body, lanes, inPieces(body, piece)))).as(text + " in pieces of " + piece)
              .isEqualTo(whole);
        }
      }
    }
  }

  /** Content full of near-delimiters, longer than the parser's buffer, in pieces that straddle it. */
  @Test
  void aLargePartWithNearDelimitersIsReadWholeInAnyPieces() {
    StringBuilder content = new StringBuilder();
    for (int i = 0; content.length() < 300_000; i++) {
      content.append("line ").append(i).append(i % 3 == 0 ? "\r\n--" + B + "x" : i % 3 == 1 ? "\r\n--" + B + "-z" : "\r\n-");
    }
    String text = "--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n" + content
        + "\r\n--" + B + "--\r\n";
    byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
    FormLimits limits = new FormLimits(5, 1 << 20, 1024);
    String expected = "{f|big|" + content + "|true}";
    try (Lanes lanes = Lanes.defaults().build()) {
      assertThat(outcome(request(body, lanes, null), limits)).isEqualTo(expected);
      for (int piece : new int[] {1, 999, 4096, 65_535, 65_537}) {
        assertThat(outcome(request(body, lanes, inPieces(body, piece)), limits)).as("pieces of " + piece).isEqualTo(expected);
      }
    }
  }

  @Test
  void anUrlencodedBodyInPiecesIsReadAsWhole() {
    byte[] body = "a=1&b=%zz&a=+2&&c&d=%e2%82%ac".getBytes(StandardCharsets.US_ASCII);
    try (Lanes lanes = Lanes.defaults().build()) {
      for (int piece : new int[] {1, 2, 3, 100}) {
        Request r = Request.builder("POST", "/f")
            .headers(Headers.of("content-type", "application/x-www-form-urlencoded"))
            .lanes(lanes).scope(RequestScope.create()).bodyStream(inPieces(body, piece)).build();
        assertThat(outcome(r)).isEqualTo("[a=[1,  2]][b=[%zz]][c=[]][d=[\u20ac]]");
      }
    }
  }

  private static Request request(byte[] body, Lanes lanes, InputStream streamed) {
    Request.Builder b = Request.builder("POST", "/f").headers(Headers.of("content-type", MULTIPART))
        .body(body).lanes(lanes).scope(RequestScope.create());
    if (streamed != null) {
      b.bodyStream(streamed);
    }
    return b.build();
  }
}
