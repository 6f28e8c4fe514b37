package dev.lanes.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A frame-level h2c client on a plain socket: writes any frame, even a malformed one; a reader thread queues what comes back. */
final class RawH2 implements AutoCloseable {
  static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8,
      CONTINUATION = 9, EOF = -1;
  static final int END_STREAM = 1, END_HEADERS = 4, ACK = 1;

  /** One frame from the server; for HEADERS the decoded fields, for RST_STREAM/GOAWAY the error code. */
  record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers, long error) {
    @Override
    public String toString() {
      return switch (type) {
        case HEADERS -> "HEADERS " + stream + " " + headers.status() + " flags=" + flags;
        case RST_STREAM -> "RST_STREAM " + stream + " " + error;
        case GOAWAY -> "GOAWAY " + lastStreamId() + " " + error;
        case EOF -> "EOF";
        default -> "frame type " + type + " stream " + stream + " flags=" + flags + " len " + payload.length;
      };
    }

    /** A SETTINGS frame's value of setting {@code id} (4: SETTINGS_INITIAL_WINDOW_SIZE), or -1 if it names none. */
    int setting(int id) {
      java.nio.ByteBuffer p = java.nio.ByteBuffer.wrap(payload);
      int found = -1;
      while (p.remaining() >= 6) {
        int key = p.getShort() & 0xffff;
        int value = p.getInt();
        if (key == id) {
          found = value;
        }
      }
      return found;
    }

    /** A GOAWAY's last stream identifier. */
    int lastStreamId() {
      return java.nio.ByteBuffer.wrap(payload).getInt(0) & 0x7fffffff;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final DefaultHttp2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, Long.MAX_VALUE);
  private final Thread reader;

  private final boolean ackSettings;

  RawH2(int port) throws IOException {
    this(port, true);
  }

  /** {@code ackSettings} false: the server's SETTINGS are never acknowledged. */
  RawH2(int port, boolean ackSettings) throws IOException {
    this.ackSettings = ackSettings;
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(0);
    out = socket.getOutputStream();
    out.write(preface());
    frame(SETTINGS, 0, 0, new byte[0]);
    reader = Thread.ofVirtual().start(this::readLoop);
  }

  private static byte[] preface() {
    return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  private void readLoop() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[len];
        in.readFully(payload);
        Http2Headers h = null;
        long error = 0;
        if (type == HEADERS) {
          ByteBuf b = Unpooled.wrappedBuffer(payload);
          h = decoder.decodeHeaders(stream, b);
        } else if (type == RST_STREAM) {
          error = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(payload).getInt());
        } else if (type == GOAWAY) {
          error = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(payload).getInt(4));
        } else if (type == SETTINGS && (flags & ACK) == 0 && ackSettings) {
          frame(SETTINGS, ACK, 0, new byte[0]);
        }
        frames.add(new Frame(type, flags, stream, payload, h, error));
      }
    } catch (Exception e) {
      frames.add(new Frame(EOF, 0, 0, new byte[0], null, 0));
    }
  }

  synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] head = new byte[9];
    head[0] = (byte) (payload.length >>> 16);
    head[1] = (byte) (payload.length >>> 8);
    head[2] = (byte) payload.length;
    head[3] = (byte) type;
    head[4] = (byte) flags;
    head[5] = (byte) (stream >>> 24);
    head[6] = (byte) (stream >>> 16);
    head[7] = (byte) (stream >>> 8);
    head[8] = (byte) stream;
    out.write(head);
    out.write(payload);
    out.flush();
  }

  /** HPACK-encodes {@code headers} (no validation: anything goes) with this connection's encoder. */
  byte[] encode(int stream, Http2Headers headers) throws Exception {
    ByteBuf b = Unpooled.buffer();
    encoder.encodeHeaders(stream, headers, b);
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    return bytes;
  }

  void headers(int stream, Http2Headers headers, boolean endStream) throws Exception {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, encode(stream, headers));
  }

  void data(int stream, byte[] data, boolean endStream) throws IOException {
    frame(DATA, endStream ? END_STREAM : 0, stream, data);
  }

  void rst(int stream, int code) throws IOException {
    frame(RST_STREAM, 0, stream, java.nio.ByteBuffer.allocate(4).putInt(code).array());
  }

  void windowUpdate(int stream, int increment) throws IOException {
    frame(WINDOW_UPDATE, 0, stream, java.nio.ByteBuffer.allocate(4).putInt(increment).array());
  }

  /** A request head that passes no validation on the way out: uppercase names, CR/LF, anything. */
  static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers(false).method(method).path(path).scheme("http").authority("127.0.0.1");
  }

  /**
   * Waits for the server's SETTINGS, acknowledged before it is seen here: frames written after
   * this return are read by the server under them (a stream window wider than 64 KiB included).
   */
  void awaitServerSettings() throws InterruptedException {
    if (await(f -> f.type() == SETTINGS && (f.flags() & ACK) == 0, 10) == null) {
      throw new AssertionError("no SETTINGS from the server");
    }
  }

  /** The first frame matching {@code what} within {@code seconds}, or null; frames before it are dropped. */
  Frame await(Predicate<Frame> what, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Frame f = frames.poll(left, TimeUnit.NANOSECONDS);
      if (f == null) {
        return null;
      }
      if (what.test(f)) {
        return f;
      }
      if (f.type() == EOF) {
        frames.add(f); // stays: later awaits see the end too
        return what.test(f) ? f : null;
      }
    }
  }

  /**
   * Every frame up to and including the first matching {@code what} (or the end of the
   * connection), each within {@code seconds} of the one before; the list ends early on a wait
   * that runs out.
   */
  java.util.List<Frame> until(Predicate<Frame> what, long seconds) throws InterruptedException {
    java.util.List<Frame> seen = new java.util.ArrayList<>();
    while (true) {
      Frame f = frames.poll(seconds, TimeUnit.SECONDS);
      if (f == null) {
        return seen;
      }
      seen.add(f);
      if (f.type() == EOF) {
        frames.add(f);
      }
      if (what.test(f) || f.type() == EOF) {
        return seen;
      }
    }
  }

  /** The stream's answer: its HEADERS, its RST_STREAM, a GOAWAY or the end of the connection. */
  Frame answer(int stream, long seconds) throws InterruptedException {
    return await(f -> f.stream() == stream && (f.type() == HEADERS || f.type() == RST_STREAM)
        || f.type() == GOAWAY || f.type() == EOF, seconds);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
