package dev.lanes.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Refuses a chunk extension without a name ({@code 5;}, {@code 5;=x}), which Netty's decoder lets
 * through: RFC 9112 7.1.1 makes {@code chunk-ext-name} a token, at least one character.
 *
 * <p>The decoder reads chunk-size lines and keeps them to itself, so this piece follows the chunk
 * framing in the decoder's own input, inside {@link RequestDecoder}: told ({@link #decoded}) that
 * the decoder just decoded the head of a chunked request, it knows that the bytes from the
 * decoder's read position on are the body; before each decoding step it reads the bytes it has
 * not seen yet ({@link #check}: size line, that many data bytes, CRLF, next size line, until the
 * last chunk) and learns how far the decoder read ({@link #consumed}). Outside a chunked body it
 * reads nothing. Sizes are read by the decoder's rule (hex digits up to the first other
 * character). If the two could ever disagree (a line the decoder refuses anyway, a failed
 * message) the check steps aside for the rest of the connection and the decoder's own strictness
 * is all that applies.
 *
 * <p>A bad line never reaches the decoder: {@link #check} says where it starts, the decoder
 * decodes up to there and puts a failed {@link LastHttpContent} carrying a {@link RejectedRequest}
 * in its place ({@link #refusal}), so the request is answered 400 in order and the connection
 * closes like after any framing error. Every byte after it is dropped.
 */
final class ChunkLineCheck {
  private enum Reading { OTHER, SIZE_LINE, DATA, DELIMITER }

  static final String NAMELESS = "Bad Request: chunk extension without a name";

  private final int maxLineLength;
  private Reading reading = Reading.OTHER;
  private boolean passThrough; // stepped aside: the decoder alone judges what follows
  private boolean refused; // a bad line was found: drop everything from it on
  private StringBuilder line; // made at the first chunked body: most connections never send one
  private long remaining; // DATA: chunk bytes still to come; DELIMITER: bytes of CRLF
  // Offsets from the decoder's read position: how far this has read, and where the size line
  // being collected starts.
  private int checked;
  private int lineStart;

  /** @param maxLineLength the decoder's limit for one line; a longer size line is its to refuse */
  ChunkLineCheck(int maxLineLength) {
    this.maxLineLength = maxLineLength;
  }

  /** Whether a bad line was found: nothing from it on is to be decoded. */
  boolean refused() {
    return refused;
  }

  /**
   * Reads the bytes of {@code in}, the decoder's input, past what it read before, up to its end;
   * called before the decoder reads them. Returns the index in {@code in} where a refused size
   * line starts, or -1 if none.
   */
  int check(ByteBuf in) {
    if (reading == Reading.OTHER || passThrough || refused) {
      return -1;
    }
    int from = in.readerIndex();
    int to = in.writerIndex();
    int i = from + checked;
    while (i < to && !passThrough && reading != Reading.OTHER) {
      i = switch (reading) {
        case SIZE_LINE -> sizeLine(in, from, i, to);
        case DATA, DELIMITER -> framed(i, to);
        case OTHER -> to;
      };
      if (refused) {
        return from + lineStart;
      }
    }
    checked = to - from;
    return -1;
  }

  /** The decoder read {@code n} bytes from its read position on. */
  void consumed(int n) {
    if (reading != Reading.OTHER) { // outside a chunked body the offsets mean nothing
      checked = Math.max(0, checked - n);
      lineStart -= n;
    }
  }

  /** What the decoder puts in place of the refused line: a failed last content. */
  static LastHttpContent refusal() {
    LastHttpContent bad = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    bad.setDecoderResult(DecoderResult.failure(new RejectedRequest(400, NAMELESS)));
    return bad;
  }

  /** The decoder decoded {@code msg}: a chunked request head starts following chunk framing. */
  void decoded(Object msg) {
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      passThrough = true;
    } else if (msg instanceof HttpRequest req && HttpUtil.isTransferEncodingChunked(req)) {
      if (reading == Reading.OTHER) {
        // The head is decoded and nothing past it: the body starts at the read position.
        reading = Reading.SIZE_LINE;
        if (line == null) {
          line = new StringBuilder(16);
        }
        line.setLength(0);
        checked = 0;
        lineStart = 0;
      } else {
        passThrough = true; // cannot happen if the framing is followed right; never guess
      }
    }
  }

  /**
   * Collects the size line from {@code i}; at its LF judges it, and on to the chunk's data (or
   * trailers). Returns where it stopped reading.
   */
  private int sizeLine(ByteBuf in, int from, int i, int to) {
    if (line.isEmpty()) {
      lineStart = i - from;
    }
    int lf = in.indexOf(i, to, (byte) '\n');
    int end = lf < 0 ? to : lf;
    for (int k = i; k < end; k++) {
      line.append((char) (in.getByte(k) & 0xff));
    }
    if (line.length() > maxLineLength + 1) {
      passThrough = true; // the decoder refuses a line this long itself
      return to;
    }
    if (lf < 0) {
      return to; // the decoder waits for the LF too
    }
    if (hasNamelessExtension(line)) {
      refused = true;
      return to;
    }
    long size = chunkSize(line);
    if (size < 0) {
      passThrough = true; // not a size the decoder accepts: it refuses the line itself
    } else if (size == 0) {
      reading = Reading.OTHER; // trailers, then the next head
    } else {
      reading = Reading.DATA;
      remaining = size;
    }
    line.setLength(0);
    return lf + 1;
  }

  /** Chunk data, then its CRLF (checked by the decoder), then the next size line. */
  private int framed(int i, int to) {
    int n = (int) Math.min(remaining, to - i);
    remaining -= n;
    if (remaining == 0) {
      if (reading == Reading.DATA) {
        reading = Reading.DELIMITER;
        remaining = 2;
      } else {
        reading = Reading.SIZE_LINE;
      }
    }
    return i + n;
  }

  /**
   * The chunk size as the decoder reads it (optional leading SP/HTAB, hex digits up to the first
   * other character), or -1 where the decoder finds none or it overflows an int.
   */
  static long chunkSize(CharSequence line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    long size = 0;
    int digits = 0;
    for (; i < line.length(); i++, digits++) {
      char c = line.charAt(i);
      int d = c >= '0' && c <= '9' ? c - '0'
          : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) {
        break;
      }
      size = size * 16 + d;
      if (size > Integer.MAX_VALUE) {
        return -1;
      }
    }
    return digits == 0 ? -1 : size;
  }

  /**
   * Whether some {@code ;} outside a quoted extension value is not followed, after optional
   * SP/HTAB, by a token character: the start of a name.
   */
  static boolean hasNamelessExtension(CharSequence line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ';') {
        int j = i + 1;
        while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
          j++;
        }
        if (j == line.length() || !isTokenChar(line.charAt(j))) {
          return true;
        }
      }
    }
    return false;
  }

  /** RFC 9110 5.6.2 tchar. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
