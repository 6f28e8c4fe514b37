package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a {@code multipart/form-data} body (RFC 2046 5.1.1), read one at a time from a
 * stream as it arrives: a body already whole in memory and a streamed one
 * ({@code RouteOptions.streamedBody}) are read by the same rules. Only a fixed buffer of the body
 * is held ({@link #BUFFER_BYTES}); a part's content is handed on in chunks as it is read. A body
 * without a line of the declared boundary, or one that ends before its close delimiter
 * ({@code --boundary--}), is a 400: Netty's decoder took either for an empty form or dropped the
 * last part, silently. An empty body (no bytes at all) is a form without parts, as Starlette
 * (python-multipart) reads it: what a client sends for a form with nothing in it. A part's header
 * block is bounded ({@link #MAX_HEADER_BYTES}).
 */
final class MultipartBody {
  /** A part: its number (from 1) and headers (names in lower case); its content follows. */
  record Part(int number, Map<String, String> headers) { }

  /** A part's header block, as the request's own head ({@code maxHeaderSize}'s default): 413 past it. */
  static final int MAX_HEADER_BYTES = 8192;
  /** Blanks after a boundary (RFC 2046's transport padding) past which its line is a 400. */
  static final int MAX_PADDING_BYTES = 1024;
  /** What is held of the body at a time: a header block and a delimiter line fit in it. */
  static final int BUFFER_BYTES = 64 * 1024;
  private static final String UNCLOSED = "malformed form: multipart body ends before its closing boundary";
  private static final int YES = 1;
  private static final int NO = 0;
  private static final int UNKNOWN = -1; // the bytes that tell have not arrived yet

  private final InputStream in;
  private final byte[] delimiter; // CRLF "--" boundary: what ends a part's content
  private final byte[] buf = new byte[BUFFER_BYTES];
  private int pos; // the next unread byte in buf
  private int lim; // the end of what was read into buf
  private boolean eof; // the body has ended: lim is its end
  private int safe; // set by scan: buf[pos, safe) is content whatever follows
  private int parts;
  private boolean inContent; // a part's content is being read
  private boolean closed;
  private boolean bareLf; // a boundary line ended in LF alone: the body's lines likely all do

  /** Reads up to the first delimiter (skipping a preamble); an empty body has no parts. */
  MultipartBody(InputStream in, String boundary) throws IOException {
    this.in = in;
    // A header's characters are its bytes, as the server reads them (Latin-1): the body's
    // delimiter lines carry the same bytes, ASCII or not (UTF-8 made a boundary past ASCII
    // other bytes than those sent).
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    if (!available(1)) {
      closed = true;
      return;
    }
    // The first delimiter may open the body (no CRLF before it) or follow a preamble.
    if (opensBody()) {
      pos += delimiter.length - 2;
      return;
    }
    while (true) {
      int at = scan();
      if (at >= 0) {
        pos = at + delimiter.length;
        return;
      }
      pos = safe; // the preamble so far: dropped
      if (!fill()) {
        throw new HttpException(400, "malformed form: the body has no line with the declared multipart boundary");
      }
    }
  }

  /** The next part, or null after the close delimiter; the previous part's unread content is skipped. */
  Part next() throws IOException {
    if (closed) {
      return null;
    }
    if (inContent) {
      byte[] skip = new byte[8192];
      while (content(skip, 0, skip.length) >= 0) {
        // dropped
      }
    }
    if (available(2) && buf[pos] == '-' && buf[pos + 1] == '-') {
      closed = true; // the epilogue after it is ignored (left unread), as RFC 2046 says
      return null;
    }
    while (available(1) && (buf[pos] == ' ' || buf[pos] == '\t')) {
      pos++; // transport padding
    }
    boolean cr = available(1) && buf[pos] == '\r';
    if (cr) {
      pos++;
    }
    if (!available(1)) {
      throw unclosed();
    }
    if (buf[pos] != '\n') {
      throw new HttpException(400, "malformed form: text after a multipart boundary on its line");
    }
    bareLf |= !cr;
    pos++;
    int number = ++parts;
    Map<String, String> headers = new LinkedHashMap<>();
    int used = 0; // bytes of the header block read so far
    String name = null;
    StringBuilder value = null; // the header being read: folded lines are appended, not copied again
    int searched = 0; // bytes from pos known to hold no line end: a line arriving slowly is searched once
    while (true) {
      int lf = indexOf((byte) '\n', pos + searched, lim);
      if (lf < 0) {
        searched = lim - pos;
        // Any line end still to come would make the block too large: no need to wait for it.
        if (used + lim - pos >= MAX_HEADER_BYTES) {
          throw headersTooLarge(number);
        }
        if (!fill()) {
          throw unclosed();
        }
        continue;
      }
      if (used + lf + 1 - pos > MAX_HEADER_BYTES) {
        throw headersTooLarge(number);
      }
      int end = lf > pos && buf[lf - 1] == '\r' ? lf - 1 : lf;
      String line = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
      used += lf + 1 - pos;
      pos = lf + 1;
      searched = 0;
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
    inContent = true;
    return new Part(number, headers);
  }

  /**
   * Reads up to {@code len} bytes of the current part's content into {@code to}; -1 once it has
   * ended (its delimiter read). Blocks until some content or the delimiter has arrived.
   */
  int content(byte[] to, int off, int len) throws IOException {
    if (!inContent) {
      return -1;
    }
    while (true) {
      int at = scan();
      if (at == pos) {
        pos += delimiter.length;
        inContent = false;
        return -1;
      }
      int n = Math.min((at >= 0 ? at : safe) - pos, len);
      if (n > 0) {
        System.arraycopy(buf, pos, to, off, n);
        pos += n;
        return n;
      }
      if (!fill()) {
        throw unclosed();
      }
    }
  }

  /** Whether the body opens with the delimiter's line, without its CRLF. */
  private boolean opensBody() throws IOException {
    int length = delimiter.length - 2;
    while (true) {
      if (!available(length)) {
        return false;
      }
      if (!Arrays.equals(buf, pos, pos + length, delimiter, 2, delimiter.length)) {
        return false;
      }
      int ends = endsDelimiter(pos + length);
      if (ends != UNKNOWN) {
        return ends == YES;
      }
      if (!fill()) {
        return false; // not reached: at the end of the body the line has ended
      }
    }
  }

  /**
   * Where in {@code buf} the next delimiter line starts, from {@code pos}, or -1 if none is there
   * yet; {@link #safe} then ends the bytes no delimiter can start in. A line that starts with the
   * boundary and goes on ({@code --XyZabc}) is content, as python-multipart reads it: a delimiter
   * is followed by blanks and the end of its line, or by {@code --}.
   */
  private int scan() {
    for (int i = indexOf(delimiter[0], pos, lim); i >= 0; i = indexOf(delimiter[0], i + 1, lim)) {
      int n = Math.min(delimiter.length, lim - i);
      if (!Arrays.equals(buf, i, i + n, delimiter, 0, n)) {
        continue;
      }
      if (n < delimiter.length) {
        if (eof) {
          continue; // the body ends inside it: content
        }
        safe = i; // it may be one: wait for the rest
        return -1;
      }
      int ends = endsDelimiter(i + delimiter.length);
      if (ends == YES) {
        return i;
      }
      if (ends == UNKNOWN) {
        safe = i;
        return -1;
      }
    }
    safe = lim;
    return -1;
  }

  private int endsDelimiter(int at) {
    if (at < lim && buf[at] == '-') {
      if (at + 1 < lim) {
        return buf[at + 1] == '-' ? YES : NO;
      }
      return eof ? NO : UNKNOWN;
    }
    int start = at;
    while (at < lim && (buf[at] == ' ' || buf[at] == '\t')) {
      at++;
    }
    if (at - start > MAX_PADDING_BYTES) {
      // Its line cannot be told without reading on, over and over while the blanks arrive.
      throw new HttpException(400, "malformed form: a multipart boundary followed by more than "
          + MAX_PADDING_BYTES + " blanks");
    }
    if (at >= lim) {
      return eof ? YES : UNKNOWN;
    }
    return buf[at] == '\r' || buf[at] == '\n' ? YES : NO;
  }

  /** Whether {@code n} bytes from {@code pos} are in the buffer, reading more while they are not. */
  private boolean available(int n) throws IOException {
    while (lim - pos < n) {
      if (!fill()) {
        return false;
      }
    }
    return true;
  }

  /** Reads more of the body into the buffer, after what it holds from {@code pos}; false at its end. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      safe = Math.max(0, safe - pos);
      pos = 0;
    }
    if (lim == buf.length) {
      throw new IllegalStateException("a multipart buffer full of a header block or a delimiter line");
    }
    int n = in.read(buf, lim, buf.length - lim);
    if (n < 0) {
      eof = true;
      return false;
    }
    lim += n;
    return true;
  }

  /** The body ended inside a part; with bare LFs that is why (no CRLF precedes a delimiter), so say so. */
  private HttpException unclosed() {
    return new HttpException(400,
        bareLf ? UNCLOSED + " (its lines end in LF alone; a boundary line follows CRLF)" : UNCLOSED);
  }

  private static HttpException headersTooLarge(int number) {
    return new HttpException(413, "form part " + number + "'s headers are larger than " + MAX_HEADER_BYTES + " bytes");
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
