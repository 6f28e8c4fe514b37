package dev.lanes.observe;

/**
 * Why a TLS handshake on the server's TLS listener failed: a small fixed set, so a count by it
 * stays bounded whatever clients send.
 *
 * <pre>{@code long scanners = server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.NOT_TLS); }</pre>
 */
public enum TlsHandshakeFailure {
  /** The client did not finish its handshake within {@code Tls.handshakeTimeout}. */
  TIMEOUT,
  /** The client sent something that is not TLS (plaintext HTTP on the TLS port). */
  NOT_TLS,
  /**
   * Nothing in common to negotiate: protocol version, cipher suite, curve or group, signature
   * algorithm or application protocol (ALPN).
   */
  PROTOCOL,
  /**
   * A certificate was refused: the client's (none sent, or none a trusted CA issued) or the
   * server's (the client said it does not trust it).
   */
  CERTIFICATE,
  /** The client closed the connection before the handshake ended (a TCP health check, too). */
  CLOSED,
  /**
   * Any other reason; also a refusal the engine does not name (BoringSSL reports a TLS 1.3
   * client's alert that it distrusts the server's certificate as a bad packet).
   */
  OTHER;

  /** The lower-case tag value used in metrics ({@code timeout}, {@code not_tls}, ...). */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
