package dev.lanes.testing.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A plain socket speaking HTTP/1.x by hand, for what {@code HttpClient} hides: keep-alive on one
 * connection, HTTP/1.0, chunked request bodies, pipelining, missing Host, abrupt disconnects.
 */
public final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static RawConnection open(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    s.setSoTimeout(15_000);
    s.setTcpNoDelay(true);
    return new RawConnection(s);
  }

  /** Writes {@code text} (ISO-8859-1) in one write. */
  public RawConnection send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** Reads one response to a request that was not HEAD. */
  public Response read() throws IOException {
    return read(false);
  }

  /** Reads one response; a response to HEAD has headers only. */
  public Response read(boolean toHead) throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("bad status line: " + statusLine);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.substring(colon + 1).trim());
    }
    int status = Integer.parseInt(parts[1]);
    byte[] body;
    List<String> length = headers.get("content-length");
    List<String> te = headers.get("transfer-encoding");
    if (toHead || status == 204 || status == 304 || status < 200) {
      body = new byte[0];
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    } else if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
        buf.write(in.readNBytes(n));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      body = buf.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    return new Response(parts[0], status, headers, body);
  }

  /** Whether the server closed the connection (reads EOF within the socket timeout). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  public Socket socket() {
    return socket;
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c == -1) {
        throw new EOFException("connection closed after '" + sb + "'");
      }
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One parsed response; header names lower-cased. */
  public record Response(String version, int status, Map<String, List<String>> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? Optional.empty() : Optional.of(v.get(0));
    }
  }
}
