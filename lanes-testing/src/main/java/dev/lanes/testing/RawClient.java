package dev.lanes.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One raw HTTP/1.x connection to {@code 127.0.0.1} (or another address), for what {@link TestClient} hides: exact
 * bytes (malformed requests), keep-alive and pipelining on one connection, HTTP/1.0, streamed
 * responses read piece by piece, clients that stall or vanish. Every read waits at most the
 * connection's timeout ({@link #DEFAULT_TIMEOUT} unless given), so a test never hangs on a server
 * that says nothing.
 *
 * <pre>{@code
 * try (RawClient c = RawClient.connect(client.port())) {
 *   RawResponse r = c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").read();
 *   assertThat(r.status()).isEqualTo(200);
 *   assertThat(c.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").read()
 *       .header("connection")).contains("close");
 *   assertThat(c.closedByServer()).isTrue();
 * }
 * }</pre>
 *
 * <p>I/O failures are thrown as {@link UncheckedIOException}; a read that times out throws one
 * whose message shows what had arrived. Not thread-safe, except that one thread may
 * {@link #send} while another reads.
 */
public final class RawClient implements AutoCloseable {
  /** How long a read waits when no timeout is given; only reached when something hangs. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final OutputStream out;
  private final Bytes in;
  private final Duration timeout;

  private RawClient(Socket socket, Duration timeout) throws IOException {
    this.socket = socket;
    this.timeout = timeout;
    socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
    socket.setTcpNoDelay(true);
    this.out = socket.getOutputStream();
    this.in = new Bytes(socket.getInputStream());
  }

  /** Connects to {@code 127.0.0.1:port}. */
  public static RawClient connect(int port) {
    return connect(port, DEFAULT_TIMEOUT);
  }

  /** Connects to {@code 127.0.0.1:port}; every read waits at most {@code timeout}. */
  public static RawClient connect(int port, Duration timeout) {
    return open(port, timeout, 0);
  }

  /**
   * Connects with a receive buffer of about {@code bytes}, so a test that stops reading makes
   * the server's writes stall soon (slow-reader and back-pressure tests).
   */
  public static RawClient connectWithReceiveBuffer(int port, int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("receive buffer must be positive: " + bytes);
    }
    return open(port, DEFAULT_TIMEOUT, bytes);
  }

  /**
   * Connects to {@code address}: a server bound elsewhere than {@code 127.0.0.1}, such as the
   * IPv6 loopback.
   *
   * <pre>{@code RawClient.connect(new InetSocketAddress("::1", server.port()))}</pre>
   */
  public static RawClient connect(InetSocketAddress address) {
    return open(address, DEFAULT_TIMEOUT, 0);
  }

  /** One connection: sends {@code request} exactly as given and reads until the server closes. */
  public static Transcript exchange(int port, String request) {
    try (RawClient c = connect(port)) {
      return c.send(request).readUntilClosed();
    }
  }

  /** {@link #exchange(int, String)} with the server at {@code address}. */
  public static Transcript exchange(InetSocketAddress address, String request) {
    try (RawClient c = connect(address)) {
      return c.send(request).readUntilClosed();
    }
  }

  private static RawClient open(int port, Duration timeout, int receiveBuffer) {
    return open(new InetSocketAddress("127.0.0.1", port), timeout, receiveBuffer);
  }

  private static RawClient open(InetSocketAddress address, Duration timeout, int receiveBuffer) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
      }
      s.connect(address, Math.toIntExact(timeout.toMillis()));
      return new RawClient(s, timeout);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot connect to " + address, e);
    }
  }

  /** Writes {@code text} as ISO-8859-1 (one byte per char, so any byte can be sent). */
  public RawClient send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes {@code bytes} and flushes. */
  public RawClient send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("send failed", e);
    }
  }

  /** Reads the next response (to a request other than HEAD). */
  public RawResponse read() {
    return read(false);
  }

  /** Reads the next response to a HEAD request: its head only, whatever length it announces. */
  public RawResponse readResponseToHead() {
    return read(true);
  }

  /** Reads the next {@code n} responses (to requests other than HEAD), for pipelining. */
  public List<RawResponse> read(int n) {
    List<RawResponse> responses = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      responses.add(read());
    }
    return responses;
  }

  private RawResponse read(boolean toHead) {
    try {
      return parse(in, toHead);
    } catch (IOException e) {
      throw failure("a response", e);
    }
  }

  /**
   * Reads up to and including the first {@code marker} (ISO-8859-1), for streamed responses:
   * returns everything up to there; what follows stays for the next read.
   */
  public String readUntil(String marker) {
    try {
      return in.until(marker.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw failure("'" + marker + "'", e);
    }
  }

  /** Reads exactly {@code n} bytes (WebSocket frames, say), waiting at most the timeout for them. */
  public byte[] readBytes(int n) {
    try {
      return in.take(n);
    } catch (IOException e) {
      throw failure(n + " bytes", e);
    }
  }

  /**
   * Reads everything until the server closes the connection, or until nothing has arrived for
   * the timeout ({@link Transcript#closed()} is then false). Never throws for a read.
   */
  public Transcript readUntilClosed() {
    boolean closed;
    try {
      while (in.fill()) {
        // keep reading: all of it goes into the transcript
      }
      closed = true;
    } catch (SocketTimeoutException e) {
      closed = false;
    } catch (IOException e) {
      closed = true; // reset by the server
    }
    return Transcript.of(in.drain(), closed);
  }

  /**
   * Whether the server has closed the connection: true on end of stream or a reset within the
   * timeout, false if it stays open that long or sends more (what it sent is kept for the next
   * read).
   */
  public boolean closedByServer() {
    if (in.available() > 0) {
      return false;
    }
    try {
      return !in.fill();
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private UncheckedIOException failure(String what, IOException e) {
    String got = new String(in.peek(), StandardCharsets.ISO_8859_1);
    String why = e instanceof SocketTimeoutException ? "nothing more arrived within " + timeout
        : e instanceof EOFException ? "the server closed the connection" : e.toString();
    return new UncheckedIOException("waiting for " + what + ": " + why
        + "; unread bytes: \"" + got + "\"", e);
  }

  /** Parses one response from {@code in}; an incomplete one throws {@link EOFException}. */
  private static RawResponse parse(Bytes in, boolean toHead) throws IOException {
    String statusLine = in.line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String h = in.line(); !h.isEmpty(); h = in.line()) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new IOException("not a header line: " + h);
      }
      headers.computeIfAbsent(h.substring(0, colon).toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
    }
    byte[] body;
    List<String> length = headers.getOrDefault("content-length", List.of());
    List<String> codings = headers.getOrDefault("transfer-encoding", List.of());
    if (toHead || status < 200 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (!codings.isEmpty()
        && codings.get(codings.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
      body = dechunk(in);
    } else if (!length.isEmpty()) {
      body = in.take(Integer.parseInt(length.get(0).trim()));
    } else {
      body = in.rest(); // delimited by the close
    }
    return new RawResponse(parts[0], status, headers, body);
  }

  private static byte[] dechunk(Bytes in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = in.line();
      int ext = sizeLine.indexOf(';');
      int size = Integer.parseInt((ext < 0 ? sizeLine : sizeLine.substring(0, ext)).trim(), 16);
      if (size == 0) {
        while (!in.line().isEmpty()) {
          // trailers: dropped
        }
        return body.toByteArray();
      }
      body.writeBytes(in.take(size));
      if (!in.line().isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  /**
   * Everything the server sent until it closed the connection (or went quiet for the timeout).
   *
   * @param text the bytes as ISO-8859-1, exactly as sent
   * @param responses the complete responses at the start of {@code text}, parsed as answers to
   *     requests other than HEAD; a cut or malformed one and anything after it are left out
   * @param closed whether the server closed (or reset) the connection, rather than going quiet
   */
  public record Transcript(String text, List<RawResponse> responses, boolean closed) {
    public Transcript {
      responses = List.copyOf(responses);
    }

    static Transcript of(byte[] bytes, boolean closed) {
      List<RawResponse> responses = new ArrayList<>();
      Bytes in = new Bytes(new ByteArrayInputStream(bytes));
      try {
        while (in.available() > 0 || in.fill()) {
          responses.add(parse(in, false));
        }
      } catch (IOException | RuntimeException e) {
        // a cut or malformed response: the complete ones before it are the answer
      }
      return new Transcript(new String(bytes, StandardCharsets.ISO_8859_1), responses, closed);
    }

    /** The status of each complete response, in order. */
    public List<Integer> statuses() {
      return responses.stream().map(RawResponse::status).toList();
    }
  }

  /** A read buffer over a stream: lines, counted bytes, markers, the rest. */
  private static final class Bytes {
    private final InputStream source;
    private byte[] data = new byte[8192];
    private int pos;
    private int limit;

    Bytes(InputStream source) {
      this.source = source;
    }

    int available() {
      return limit - pos;
    }

    /** Reads more; false at end of stream. */
    boolean fill() throws IOException {
      if (pos > 0) {
        System.arraycopy(data, pos, data, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      if (limit == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      int n = source.read(data, limit, data.length - limit);
      if (n < 0) {
        return false;
      }
      limit += n;
      return true;
    }

    /** A line without its CRLF (or bare LF). */
    String line() throws IOException {
      byte[] line = untilBytes(new byte[] {'\n'});
      int end = line.length - 1;
      if (end > 0 && line[end - 1] == '\r') {
        end--;
      }
      return new String(line, 0, end, StandardCharsets.ISO_8859_1);
    }

    String until(byte[] marker) throws IOException {
      return new String(untilBytes(marker), StandardCharsets.ISO_8859_1);
    }

    private byte[] untilBytes(byte[] marker) throws IOException {
      int from = pos;
      while (true) {
        int at = indexOf(marker, from);
        if (at >= 0) {
          byte[] got = Arrays.copyOfRange(data, pos, at + marker.length);
          pos = at + marker.length;
          return got;
        }
        from = Math.max(pos, limit - marker.length + 1);
        int consumed = from - pos;
        if (!fill()) {
          throw new EOFException();
        }
        from = pos + consumed;
      }
    }

    byte[] take(int n) throws IOException {
      while (available() < n) {
        if (!fill()) {
          throw new EOFException();
        }
      }
      byte[] got = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return got;
    }

    byte[] rest() throws IOException {
      while (fill()) {
        // until the end of the stream
      }
      return drain();
    }

    byte[] peek() {
      return Arrays.copyOfRange(data, pos, limit);
    }

    byte[] drain() {
      byte[] got = peek();
      pos = limit;
      return got;
    }

    private int indexOf(byte[] marker, int from) {
      outer:
      for (int i = from; i <= limit - marker.length; i++) {
        for (int j = 0; j < marker.length; j++) {
          if (data[i + j] != marker[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
