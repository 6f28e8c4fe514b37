package dev.lanes.internal.http1;

import dev.lanes.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A whole final response with an in-memory body, already in wire form: status line, headers and
 * body in one buffer. Most responses are such, and writing their bytes straight from the
 * {@link Response} skips what Netty's encoder needs first: a response object, a header map with
 * an entry per header, then a walk over both. The bytes are the ones that path writes: the same
 * headers in the same order ({@code Content-Type}, the handler's, then {@code Date},
 * {@code Connection} when needed, {@code Content-Length}, {@code Vary}), the server's own values
 * replacing a handler's of the same name (a handler's {@code Transfer-Encoding} too: the body
 * goes out with its length). The {@link ResponseEncoder} passes it on as it is.
 */
final class EncodedResponse extends DefaultByteBufHolder {
  private static final byte[] CONTENT_TYPE = ascii("content-type: ");
  private static final byte[] DATE = ascii("date: ");
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] CLOSE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
  private static final byte[] VARY = ascii("vary: accept-encoding\r\n");
  /** {@code HTTP/1.1 200 OK\r\n} and the like, with the registered reason phrases, by status. */
  private static final byte[][] STATUS_LINES = new byte[600][];
  /** Room for the head of nearly every response; a larger one gets an array of its own. */
  private static final int SCRATCH_SIZE = 1024;
  // Per event loop (responses are encoded there); only threads with fast thread-locals use it.
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[SCRATCH_SIZE];
    }
  };

  static {
    for (int status = 100; status < STATUS_LINES.length; status++) {
      HttpResponseStatus s = ReasonPhrases.status(status);
      STATUS_LINES[status] = ascii("HTTP/1.1 " + s.codeAsText() + " " + s.reasonPhrase() + "\r\n");
    }
  }

  private final boolean keepAlive;

  private EncodedResponse(ByteBuf bytes, boolean keepAlive) {
    super(bytes);
    this.keepAlive = keepAlive;
  }

  /** Whether the connection stays open after this response (it says {@code Connection: close} if not). */
  boolean keepAlive() {
    return keepAlive;
  }

  /**
   * {@code response} (a status of 200 or more) with {@code data} as its body if {@code withBody}
   * (not for HEAD), {@code length} as its length if its status has a body ({@code data.length},
   * or for HEAD the length its GET would have: {@code HeadLength}).
   * {@code keepAlive} false adds {@code Connection: close}; an HTTP/1.0 client kept alive is
   * told so. {@code vary} adds {@code Vary: Accept-Encoding}; {@code date} is the Date value.
   */
  static EncodedResponse of(ByteBufAllocator alloc, Response response, byte[] data, long length, boolean withBody,
      boolean keepAlive, boolean http11, boolean vary, AsciiString date) {
    int status = response.status();
    // As Netty's encoder: 204, 205 and 304 never carry a body; 204 loses any length or coding a
    // handler set, 205 says Content-Length: 0 last.
    boolean empty = status == 204 || status == 205 || status == 304;
    boolean bare = status == 204 || status == 205;
    boolean ownLength = Http1ExchangeCodec.hasBody(status);
    boolean connection = !keepAlive || !http11;
    withBody &= !empty;
    byte[] statusLine = STATUS_LINES[status];
    CharSequence contentType = response.contentType().isPresent() && NotModifiedHead.sendsType(status)
        ? AsciiValues.RESPONSES.of(response.contentType().get()) : null;
    // An upper bound on the head: each char is one byte.
    int bound = statusLine.length + 150 + (contentType == null ? 0 : contentType.length());
    List<Map.Entry<String, String>> headers = response.headers(); // indexed: no iterator per response
    for (int i = 0; i < headers.size(); i++) {
      Map.Entry<String, String> e = headers.get(i);
      bound += e.getKey().length() + e.getValue().length() + 4;
    }
    // The head is put together in a plain array and copied into the direct buffer at once: each
    // write into that buffer is a bounds-checked NIO call, a dozen per response otherwise.
    byte[] head = bound <= SCRATCH_SIZE && FastThreadLocalThread.currentThreadHasFastThreadLocal()
        ? SCRATCH.get() : new byte[bound];
    int n = put(head, 0, statusLine);
    if (contentType != null) {
      n = putValue(head, put(head, n, CONTENT_TYPE), contentType);
    }
    for (int i = 0; i < headers.size(); i++) {
      Map.Entry<String, String> e = headers.get(i);
      String name = e.getKey();
      if (replaced(name, connection, ownLength || bare)) {
        continue;
      }
      n = putAscii(head, n, name);
      head[n++] = ':';
      head[n++] = ' ';
      n = putValue(head, n, e.getValue());
    }
    n = putValue(head, put(head, n, DATE), date);
    if (connection) {
      n = put(head, n, keepAlive ? KEEP_ALIVE : CLOSE);
    }
    if (ownLength && status != 205) {
      n = putValue(head, put(head, n, CONTENT_LENGTH), AsciiValues.length(length));
    }
    if (vary) {
      n = put(head, n, VARY);
    }
    if (status == 205) {
      n = putValue(head, put(head, n, CONTENT_LENGTH), AsciiValues.length(0));
    }
    head[n++] = '\r';
    head[n++] = '\n';
    ByteBuf buf = alloc.buffer(n + (withBody ? data.length : 0));
    buf.writeBytes(head, 0, n);
    if (withBody) {
      buf.writeBytes(data);
    }
    return new EncodedResponse(buf, keepAlive);
  }

  /**
   * A handler's header that the server sets itself, or that a response without content loses:
   * what Netty's header map and encoder would drop.
   */
  private static boolean replaced(String name, boolean connection, boolean framing) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("date");
      case 10 -> connection && name.equalsIgnoreCase("connection");
      case 14, 17 -> framing && Http1ExchangeCodec.framing(name);
      default -> false;
    };
  }

  private static int put(byte[] head, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, head, at, bytes.length);
    return at + bytes.length;
  }

  private static int putValue(byte[] head, int at, CharSequence value) {
    int n = value instanceof AsciiString ascii
        ? put(head, at, ascii.array(), ascii.arrayOffset(), ascii.length()) : putAscii(head, at, value);
    head[n] = '\r';
    head[n + 1] = '\n';
    return n + 2;
  }

  private static int put(byte[] head, int at, byte[] bytes, int from, int length) {
    System.arraycopy(bytes, from, head, at, length);
    return at + length;
  }

  /** As Netty's encoder writes a header: a char past Latin-1 becomes {@code '?'}. */
  private static int putAscii(byte[] head, int at, CharSequence value) {
    for (int i = 0, len = value.length(); i < len; i++) {
      head[at + i] = AsciiString.c2b(value.charAt(i));
    }
    return at + value.length();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
