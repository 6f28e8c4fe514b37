package dev.lanes.internal.http1;

import dev.lanes.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A whole final response with an in-memory body, already in wire form: status line, headers and
 * body in one buffer. Most responses are such, and writing their bytes straight from the
 * {@link Response} skips what Netty's encoder needs first: a response object, a header map with
 * an entry per header, then a walk over both. The bytes are the ones that path writes: the same
 * headers in the same order ({@code Content-Type}, the handler's, then {@code Date},
 * {@code Connection} when needed, {@code Content-Length}, {@code Vary}), the server's own values
 * replacing a handler's of the same name. Not for a response whose handler set
 * {@code Transfer-Encoding} (Netty's encoder would chunk its body). The {@link ResponseEncoder}
 * passes it on as it is.
 */
final class EncodedResponse extends DefaultByteBufHolder {
  private static final byte[] CONTENT_TYPE = ascii("content-type: ");
  private static final byte[] DATE = ascii("date: ");
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] CLOSE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
  private static final byte[] VARY = ascii("vary: accept-encoding\r\n");
  private static final short CRLF = ('\r' << 8) | '\n';
  private static final short COLON_SP = (':' << 8) | ' ';
  /** {@code HTTP/1.1 200 OK\r\n} and the like, with Netty's reason phrases, by status. */
  private static final byte[][] STATUS_LINES = new byte[600][];

  static {
    for (int status = 100; status < STATUS_LINES.length; status++) {
      HttpResponseStatus s = HttpResponseStatus.valueOf(status);
      STATUS_LINES[status] = ascii("HTTP/1.1 " + s.codeAsText() + " " + s.reasonPhrase() + "\r\n");
    }
  }

  private EncodedResponse(ByteBuf bytes) {
    super(bytes);
  }

  /**
   * {@code response} (a status of 200 or more) with {@code data} as its body if {@code withBody}
   * (not for HEAD), {@code data.length} as its length if its status has a body.
   * {@code keepAlive} false adds {@code Connection: close}; an HTTP/1.0 client kept alive is
   * told so. {@code vary} adds {@code Vary: Accept-Encoding}; {@code date} is the Date value.
   */
  static EncodedResponse of(ByteBufAllocator alloc, Response response, byte[] data, boolean withBody,
      boolean keepAlive, boolean http11, boolean vary, AsciiString date) {
    int status = response.status();
    // As Netty's encoder: 204, 205 and 304 never carry a body; 204 loses any length or coding a
    // handler set, 205 says Content-Length: 0 last.
    boolean empty = status == 204 || status == 205 || status == 304;
    boolean bare = status == 204 || status == 205;
    boolean ownLength = Http1ExchangeCodec.hasBody(status);
    boolean connection = !keepAlive || !http11;
    withBody &= !empty;
    int size = 160 + (withBody ? data.length : 0);
    for (Map.Entry<String, String> e : response.headers()) {
      size += e.getKey().length() + e.getValue().length() + 4;
    }
    ByteBuf buf = alloc.buffer(size);
    try {
      buf.writeBytes(STATUS_LINES[status]);
      if (response.contentType().isPresent()) {
        buf.writeBytes(CONTENT_TYPE);
        writeValue(buf, AsciiValues.RESPONSES.of(response.contentType().get()));
      }
      for (Map.Entry<String, String> e : response.headers()) {
        String name = e.getKey();
        if (replaced(name, connection, ownLength || bare, bare)) {
          continue;
        }
        ByteBufUtil.writeAscii(buf, name);
        buf.writeShort(COLON_SP);
        writeValue(buf, e.getValue());
      }
      buf.writeBytes(DATE);
      writeValue(buf, date);
      if (connection) {
        buf.writeBytes(keepAlive ? KEEP_ALIVE : CLOSE);
      }
      if (ownLength && status != 205) {
        buf.writeBytes(CONTENT_LENGTH);
        writeValue(buf, AsciiValues.length(data.length));
      }
      if (vary) {
        buf.writeBytes(VARY);
      }
      if (status == 205) {
        buf.writeBytes(CONTENT_LENGTH);
        writeValue(buf, AsciiValues.length(0));
      }
      buf.writeShort(CRLF);
      if (withBody) {
        buf.writeBytes(data);
      }
      return new EncodedResponse(buf);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /**
   * A handler's header that the server sets itself, or that a response without content loses:
   * what Netty's header map and encoder would drop.
   */
  private static boolean replaced(String name, boolean connection, boolean length, boolean bare) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("date");
      case 10 -> connection && name.equalsIgnoreCase("connection");
      case 14 -> length && name.equalsIgnoreCase("content-length");
      case 17 -> bare && name.equalsIgnoreCase("transfer-encoding");
      default -> false;
    };
  }

  private static void writeValue(ByteBuf buf, CharSequence value) {
    if (value instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, buf);
    } else {
      ByteBufUtil.writeAscii(buf, value); // as Netty's encoder: a char past ASCII becomes '?'
    }
    buf.writeShort(CRLF);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
