package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a whole {@code multipart/form-data} body held in memory (RFC 2046 5.1.1), read one
 * at a time. A body without a line of the declared boundary, or one that ends before its close
 * delimiter ({@code --boundary--}), is a 400: Netty's decoder took either for an empty form or
 * dropped the last part, silently. A part's header block is bounded ({@link #MAX_HEADER_BYTES}).
 */
final class MultipartBody {
  /** A part: its headers (names in lower case) and where its content lies in the body. */
  record Part(int number, Map<String, String> headers, int offset, int length) { }

  /** A part's header block, as the request's own head ({@code maxHeaderSize}'s default): 413 past it. */
  static final int MAX_HEADER_BYTES = 8192;
  private static final String UNCLOSED = "malformed form: multipart body ends before its closing boundary";

  private final byte[] body;
  private final byte[] delimiter; // CRLF "--" boundary: what ends a part's content
  private int pos;
  private int parts;
  private boolean closed;

  MultipartBody(byte[] body, String boundary) {
    this.body = body;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.UTF_8);
    // The first delimiter may open the body (no CRLF before it) or follow a preamble.
    if (startsWith(2, 0) && endsDelimiter(delimiter.length - 2)) {
      pos = delimiter.length - 2;
    } else {
      int at = indexOf(0);
      if (at < 0) {
        throw new HttpException(400, "malformed form: the body has no line with the declared multipart boundary");
      }
      pos = at + delimiter.length;
    }
  }

  /** The next part, or null after the close delimiter. */
  Part next() {
    if (closed) {
      return null;
    }
    if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
      closed = true; // the epilogue after it is ignored, as RFC 2046 says
      return null;
    }
    while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
      pos++; // transport padding
    }
    if (pos < body.length && body[pos] == '\r') {
      pos++;
    }
    if (pos >= body.length) {
      throw new HttpException(400, UNCLOSED);
    }
    if (body[pos] != '\n') {
      throw new HttpException(400, "malformed form: text after a multipart boundary on its line");
    }
    pos++;
    int number = ++parts;
    Map<String, String> headers = new LinkedHashMap<>();
    int start = pos;
    String name = null;
    StringBuilder value = null; // the header being read: folded lines are appended, not copied again
    while (true) {
      int lf = indexOfByte((byte) '\n', pos);
      if (lf < 0) {
        throw new HttpException(400, UNCLOSED);
      }
      if (lf + 1 - start > MAX_HEADER_BYTES) {
        throw new HttpException(413, "form part " + number + "'s headers are larger than " + MAX_HEADER_BYTES + " bytes");
      }
      int end = lf > pos && body[lf - 1] == '\r' ? lf - 1 : lf;
      String line = new String(body, pos, end - pos, StandardCharsets.UTF_8);
      pos = lf + 1;
      if (line.isEmpty()) {
        break;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.strip()); // an obsolete folded line
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new HttpException(400, "malformed form: part " + number + " has a header line without a name and ':'");
      }
      if (name != null) {
        headers.put(name, value.toString());
      }
      name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      value = new StringBuilder(line.substring(colon + 1).strip());
    }
    if (name != null) {
      headers.put(name, value.toString());
    }
    int at = indexOf(pos);
    if (at < 0) {
      throw new HttpException(400, UNCLOSED);
    }
    Part part = new Part(number, headers, pos, at - pos);
    pos = at + delimiter.length;
    return part;
  }

  private boolean startsWith(int from, int at) {
    if (body.length - at < delimiter.length - from) {
      return false;
    }
    for (int i = from; i < delimiter.length; i++) {
      if (body[at + i - from] != delimiter[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the next delimiter line starts, or -1. A line that starts with the boundary and goes on
   * ({@code --XyZabc}) is content, as python-multipart reads it: a delimiter is followed by blanks
   * and the end of its line, or by {@code --}.
   */
  private int indexOf(int from) {
    for (int i = indexOfByte(delimiter[0], from); i >= 0; i = indexOfByte(delimiter[0], i + 1)) {
      if (startsWith(0, i) && endsDelimiter(i + delimiter.length)) {
        return i;
      }
    }
    return -1;
  }

  private boolean endsDelimiter(int at) {
    if (at + 1 < body.length && body[at] == '-' && body[at + 1] == '-') {
      return true;
    }
    while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
      at++;
    }
    return at >= body.length || body[at] == '\r' || body[at] == '\n';
  }

  private int indexOfByte(byte b, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
