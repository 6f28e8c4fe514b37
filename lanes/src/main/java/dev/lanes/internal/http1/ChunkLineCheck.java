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
 * <p>The decoder reads chunk-size lines and keeps them to itself, so this piece finds them in the
 * byte stream, inside {@link RequestDecoder}: it hands the decoder ({@link #read}) the bytes up to
 * each place where a head can end (the end of an empty line), and is told ({@link #decoded}) of
 * each message decoded from them, so it knows before the next byte whether a chunked body starts.
 * It then follows the chunk framing: size line, that many data bytes, CRLF, next size line, until
 * the last chunk. Where a head ends is decided by the decoder alone; sizes are read by the
 * decoder's rule (hex digits up to the first other character). If the two could ever disagree
 * (a line the decoder refuses anyway, a failed message) the check steps aside for the rest of the
 * connection and the decoder's own strictness is all that applies.
 *
 * <p>A bad line never reaches the decoder: a failed {@link LastHttpContent} carrying a
 * {@link RejectedRequest} goes down the pipeline in its place, so the request is answered 400 in order
 * and the connection closes like after any framing error. Every byte after it is dropped.
 */
final class ChunkLineCheck {
  /** Where checked bytes go: the HTTP decoder. */
  interface Decoder {
    /** Decodes {@code piece} (taking it over) now, reporting each message to {@link #decoded}. */
    void decodePiece(ByteBuf piece) throws Exception;

    /** Takes {@code bad}, a failed last content, in place of a refused chunk-size line. */
    void refuse(LastHttpContent bad);
  }

  private enum Reading { OTHER, SIZE_LINE, DATA, DELIMITER }

  static final String NAMELESS = "Bad Request: chunk extension without a name";

  private final int maxLineLength;
  private Reading reading = Reading.OTHER;
  private boolean passThrough; // stepped aside: the decoder alone judges what follows
  private boolean refused; // a bad line was answered: drop everything after it
  private final StringBuilder line = new StringBuilder();
  private long remaining; // DATA: chunk bytes still to come; DELIMITER: bytes of CRLF
  // End-of-empty-line scan in OTHER, kept across reads: bytes since the last LF (capped at 2)
  // and the last byte read.
  private int lineLength;
  private byte previous;

  /** @param maxLineLength the decoder's limit for one line; a longer size line is its to refuse */
  ChunkLineCheck(int maxLineLength) {
    this.maxLineLength = maxLineLength;
  }

  /**
   * Hands {@code buf} (which this takes over) on to {@code decoder}: whole, in pieces that end
   * where a head can end, or not at all after a refusal.
   */
  void read(Decoder decoder, ByteBuf buf) throws Exception {
    if (refused) {
      buf.release();
      return;
    }
    if (passThrough) {
      decoder.decodePiece(buf);
      return;
    }
    boolean handedOn = false;
    try {
      while (buf.isReadable() && !refused && !passThrough) {
        int end = switch (reading) {
          case OTHER -> endOfEmptyLine(buf);
          case SIZE_LINE -> sizeLine(decoder, buf);
          case DATA, DELIMITER -> framed(buf);
        };
        if (end == buf.writerIndex()) {
          // The rest of the read (usually all of it: one request head): the buffer itself,
          // not a slice of it.
          handedOn = true;
          decoder.decodePiece(buf);
          return;
        }
        if (end > buf.readerIndex()) {
          decoder.decodePiece(buf.retainedSlice(buf.readerIndex(), end - buf.readerIndex()));
          buf.readerIndex(end);
        }
      }
      if (passThrough && !refused && buf.isReadable()) {
        handedOn = true;
        decoder.decodePiece(buf);
      }
    } finally {
      if (!handedOn) {
        buf.release();
      }
    }
  }

  /** The decoder decoded {@code msg}: a chunked request head starts following chunk framing. */
  void decoded(Object msg) {
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      passThrough = true;
    } else if (msg instanceof HttpRequest req && HttpUtil.isTransferEncodingChunked(req)) {
      if (reading == Reading.OTHER) {
        reading = Reading.SIZE_LINE;
        line.setLength(0);
      } else {
        passThrough = true; // cannot happen if the framing is followed right; never guess
      }
    }
  }

  /**
   * Just past the next empty line's LF, or the end of what was read. Jumps from LF to LF
   * ({@link ByteBuf#indexOf} reads 8 bytes at a time) instead of looking at every byte.
   */
  private int endOfEmptyLine(ByteBuf buf) {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    while (from < to) {
      int lf = buf.indexOf(from, to, (byte) '\n');
      if (lf < 0) {
        lineLength = Math.min(2, lineLength + (to - from));
        previous = buf.getByte(to - 1);
        return to;
      }
      int length = lineLength + (lf - from); // of the line this LF ends
      byte last = lf > from ? buf.getByte(lf - 1) : previous;
      lineLength = 0;
      previous = '\n';
      if (length == 0 || length == 1 && last == '\r') {
        return lf + 1;
      }
      from = lf + 1;
    }
    return to;
  }

  /** Collects the size line; at its LF judges it, and on to the chunk's data (or trailers). */
  private int sizeLine(Decoder decoder, ByteBuf buf) {
    int lf = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n');
    int end = lf < 0 ? buf.writerIndex() : lf;
    for (int i = buf.readerIndex(); i < end; i++) {
      line.append((char) (buf.getByte(i) & 0xff));
    }
    if (line.length() > maxLineLength + 1) {
      passThrough = true; // the decoder refuses a line this long itself
      return buf.readerIndex();
    }
    if (lf < 0) {
      return end; // the decoder waits for the LF too
    }
    if (hasNamelessExtension(line)) {
      refused = true;
      LastHttpContent bad = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      bad.setDecoderResult(DecoderResult.failure(new RejectedRequest(400, NAMELESS)));
      decoder.refuse(bad);
      return buf.readerIndex();
    }
    long size = chunkSize(line);
    if (size < 0) {
      passThrough = true; // not a size the decoder accepts: it refuses the line itself
    } else if (size == 0) {
      reading = Reading.OTHER; // trailers, then the next head
      lineLength = 0;
    } else {
      reading = Reading.DATA;
      remaining = size;
    }
    line.setLength(0);
    return lf + 1;
  }

  /** Chunk data, then its CRLF (checked by the decoder), then the next size line. */
  private int framed(ByteBuf buf) {
    int n = (int) Math.min(remaining, buf.readableBytes());
    remaining -= n;
    if (remaining == 0) {
      if (reading == Reading.DATA) {
        reading = Reading.DELIMITER;
        remaining = 2;
      } else {
        reading = Reading.SIZE_LINE;
      }
    }
    return buf.readerIndex() + n;
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
