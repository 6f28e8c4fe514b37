package dev.lanes.server;

/** Raw ClientHello records for tests of handshakes the server must refuse. */
final class ClientHellos {
  private ClientHellos() {}

  /** A TLS 1.0 ClientHello: one CBC suite, no extensions. */
  static byte[] tls10() {
    byte[] body = new byte[2 + 32 + 1 + 2 + 2 + 2];
    int i = 0;
    body[i++] = 3;
    body[i++] = 1; // TLS 1.0
    i += 32; // random
    body[i++] = 0; // no session id
    body[i++] = 0;
    body[i++] = 2;
    body[i++] = 0x00;
    body[i++] = 0x2f; // TLS_RSA_WITH_AES_128_CBC_SHA
    body[i++] = 1;
    body[i] = 0; // null compression
    byte[] record = new byte[5 + 4 + body.length];
    record[0] = 0x16;
    record[1] = 3;
    record[2] = 1;
    record[3] = 0;
    record[4] = (byte) (4 + body.length);
    record[5] = 1; // ClientHello
    record[8] = (byte) body.length;
    System.arraycopy(body, 0, record, 9, body.length);
    return record;
  }
}
