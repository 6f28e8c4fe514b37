package dev.lanes.benchmarks;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A WebSocket echo load generator with almost no client cost: plain sockets, hand-built masked
 * frames, {@code connections} connections each keeping {@code window} messages in flight, for
 * {@code seconds}. Prints {@code messages/s} (echoes received and checked in order) so
 * {@code benchmarks/websocket.sh} can compare the blocking and the async echo in one run.
 *
 * <pre>{@code java -cp benchmarks.jar dev.lanes.benchmarks.WebSocketEchoLoad 8000 /ws/echo 16 32 10 64}</pre>
 */
public final class WebSocketEchoLoad {
  private WebSocketEchoLoad() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    int connections = Integer.parseInt(args[2]);
    int window = Integer.parseInt(args[3]);
    long seconds = Long.parseLong(args[4]);
    int size = Integer.parseInt(args[5]);
    LongAdder received = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Socket s = new Socket("127.0.0.1", port);
      s.setTcpNoDelay(true);
      sockets.add(s);
      handshake(s, path);
    }
    long start = System.nanoTime();
    for (Socket s : sockets) {
      threads.add(Thread.ofPlatform().daemon().start(() -> run(s, window, size, received, stop)));
    }
    Thread.sleep(seconds * 1000);
    stop.set(true);
    long count = received.sum();
    double elapsed = (System.nanoTime() - start) / 1e9;
    for (Socket s : sockets) {
      s.close();
    }
    System.out.printf("%.0f messages/s (%d echoes in %.2f s, %d connections x %d in flight, %d-byte text)%n",
        count / elapsed, count, elapsed, connections, window, size);
  }

  private static void handshake(Socket s, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during handshake: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head);
    }
  }

  /** Keeps {@code window} messages in flight: one sent for each echo read, each echo checked. */
  private static void run(Socket s, int window, int size, LongAdder received, AtomicBoolean stop) {
    try {
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 65536));
      byte[] frame = textFrame(size);
      byte[] burst = new byte[frame.length * window];
      for (int i = 0; i < window; i++) {
        System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
      }
      out.write(burst);
      out.flush();
      byte[] payload = new byte[size];
      while (!stop.get()) {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        }
        in.readFully(payload, 0, len);
        if ((b0 & 0x0f) != 0x1 || len != size) {
          throw new IOException("unexpected frame: opcode " + (b0 & 0x0f) + ", length " + len);
        }
        received.increment();
        out.write(frame);
      }
    } catch (IOException e) {
      if (!stop.get()) {
        System.err.println("connection failed: " + e);
      }
    }
  }

  /** A masked text frame of {@code size} ASCII bytes (mask 0: the payload is sent as is). */
  private static byte[] textFrame(int size) {
    if (size >= 126 && size > 65535) {
      throw new IllegalArgumentException("size must be < 64 KiB");
    }
    int header = size < 126 ? 2 : 4;
    byte[] f = new byte[header + 4 + size];
    f[0] = (byte) 0x81;
    if (size < 126) {
      f[1] = (byte) (0x80 | size);
    } else {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (size >>> 8);
      f[3] = (byte) size;
    }
    for (int i = 0; i < size; i++) {
      f[header + 4 + i] = (byte) ('a' + i % 26); // mask key is 0, so masked == plain
    }
    return f;
  }
}
