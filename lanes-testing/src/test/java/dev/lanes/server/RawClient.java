package dev.lanes.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw TCP client for malformed input: sends bytes exactly as given and reads until the server
 * closes. Reads are bounded (a hang is a failure, reported as {@code closed == false}), never
 * timed: no assertion depends on how long anything took.
 *
 * <pre>{@code RawClient.Reply r = RawClient.exchange(port, "GET / HTTP/1.1\r\n\r\n"); }</pre>
 */
final class RawClient implements AutoCloseable {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
  /** Upper bound on any single wait for the server; generous, only reached when something hangs. */
  static final int BOUND_MS = 10_000;

  /** What came back: every status line in order, whether the server closed, the raw text. */
  record Reply(List<Integer> statuses, boolean closed, String text) {
    int first() {
      return statuses.isEmpty() ? -1 : statuses.get(0);
    }
  }

  private final Socket socket;

  private RawClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(BOUND_MS);
  }

  static RawClient connect(int port) {
    try {
      return new RawClient(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One connection: send {@code request}, read until the server closes. */
  static Reply exchange(int port, String request) {
    try (RawClient c = connect(port)) {
      c.send(request);
      return c.readUntilClosed();
    }
  }

  void send(String data) {
    send(data.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] data) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(data);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads until EOF (or a reset); {@code closed} is false only if the bound passed first. */
  Reply readUntilClosed() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean closed;
    try {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      while (true) {
        int n = in.read(chunk);
        if (n < 0) {
          closed = true;
          break;
        }
        buf.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      closed = false;
    } catch (IOException e) {
      closed = true; // reset by the server
    }
    return parse(buf.toString(StandardCharsets.ISO_8859_1), closed);
  }

  /** Reads until {@code n} complete response heads have arrived, without waiting for a close. */
  Reply readResponses(int n) {
    StringBuilder text = new StringBuilder();
    try {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      while (!complete(text.toString(), n)) {
        int r = in.read(chunk);
        if (r < 0) {
          return parse(text.toString(), true);
        }
        text.append(new String(chunk, 0, r, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      return parse(text.toString(), true);
    }
    return parse(text.toString(), false);
  }

  private static boolean complete(String text, int n) {
    // Good enough for the small fixed-length bodies the test apps send.
    int heads = 0;
    int i = 0;
    while (heads < n) {
      int end = text.indexOf("\r\n\r\n", i);
      if (end < 0) {
        return false;
      }
      Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(i, end));
      int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
      i = end + 4 + len;
      if (i > text.length()) {
        return false;
      }
      heads++;
    }
    return true;
  }

  private static Reply parse(String text, boolean closed) {
    List<Integer> statuses = new ArrayList<>();
    Matcher m = STATUS.matcher(text);
    while (m.find()) {
      statuses.add(Integer.parseInt(m.group(1)));
    }
    return new Reply(statuses, closed, text);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
