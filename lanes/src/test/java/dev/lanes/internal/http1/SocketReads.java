package dev.lanes.internal.http1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Reading a raw test socket until the server closes it, resets it, or says nothing for a while. */
final class SocketReads {
  /** How a read ended. */
  enum End { CLOSED, QUIET, RESET }

  private SocketReads() {}

  /** Appends what {@code s} sends to {@code got} until it closes, resets or is quiet for {@code quietMillis}. */
  static End readInto(Socket s, ByteArrayOutputStream got, int quietMillis) throws IOException {
    s.setSoTimeout(quietMillis);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
      return End.CLOSED;
    } catch (SocketTimeoutException quiet) {
      return End.QUIET;
    } catch (SocketException reset) {
      return End.RESET;
    }
  }
}
