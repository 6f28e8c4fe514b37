package dev.lanes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw loopback socket for tests that need exact bytes, slow reading or abrupt disconnects. */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(); // read but not yet returned

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.socket.setSoTimeout(15_000);
    this.in = socket.getInputStream();
  }

  public static RawHttp connect(int port) throws IOException {
    return new RawHttp(new Socket("127.0.0.1", port));
  }

  /** Connects with a tiny receive buffer, for slow-reader tests. */
  public static RawHttp connectSmallBuffer(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    return new RawHttp(s);
  }

  public RawHttp send(String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  public RawHttp send(byte[] raw) throws IOException {
    socket.getOutputStream().write(raw);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads until {@code marker} has been seen; returns everything up to and including it. */
  public String readUntil(String marker) throws IOException {
    byte[] b = new byte[4096];
    int at;
    while ((at = pending.toString(StandardCharsets.ISO_8859_1).indexOf(marker)) < 0) {
      int n = in.read(b);
      if (n < 0) {
        throw new IOException("EOF before '" + marker + "'; got: " + pending.toString(StandardCharsets.ISO_8859_1));
      }
      pending.write(b, 0, n);
    }
    String all = pending.toString(StandardCharsets.ISO_8859_1);
    int end = at + marker.length();
    pending.reset();
    pending.writeBytes(all.substring(end).getBytes(StandardCharsets.ISO_8859_1));
    return all.substring(0, end);
  }

  /** Reads until the server closes the connection. */
  public String readToEnd() throws IOException {
    String rest = pending.toString(StandardCharsets.ISO_8859_1);
    pending.reset();
    return rest + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  public InputStream input() {
    return in;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
