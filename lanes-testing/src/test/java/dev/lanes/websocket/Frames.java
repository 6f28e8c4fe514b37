package dev.lanes.websocket;

import dev.lanes.testing.RawClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** WebSocket frames by hand, for protocol edge cases the JDK client will not produce. */
final class Frames {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CONTINUATION = 0x0;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** One frame as the server sent it. */
  record Frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
    int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private Frames() {}

  /** The upgrade request for {@code path}, with extra header lines (each ending in CRLF). */
  static String upgrade(String path, String extraHeaders) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
  }

  /** Sends the upgrade and returns the response head (status line and headers). */
  static String open(RawClient client, String path, String extraHeaders) {
    client.send(upgrade(path, extraHeaders));
    return client.readUntil("\r\n\r\n");
  }

  /** A masked client frame. */
  static byte[] frame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      out.write(0x80 | n);
    } else if (n < 65536) {
      out.write(0x80 | 126);
      out.write(n >>> 8);
      out.write(n & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) n >>> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    out.writeBytes(mask);
    for (int i = 0; i < n; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }

  static byte[] text(String text) {
    return frame(TEXT, true, false, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads one unmasked server frame. */
  static Frame read(RawClient client) {
    byte[] head = client.readBytes(2);
    long n = head[1] & 0x7f;
    if (n == 126) {
      byte[] ext = client.readBytes(2);
      n = ((ext[0] & 0xff) << 8) | (ext[1] & 0xff);
    } else if (n == 127) {
      byte[] ext = client.readBytes(8);
      n = 0;
      for (byte b : ext) {
        n = (n << 8) | (b & 0xff);
      }
    }
    return new Frame((head[0] & 0x80) != 0, (head[0] & 0x40) != 0, head[0] & 0x0f,
        client.readBytes(Math.toIntExact(n)));
  }
}
