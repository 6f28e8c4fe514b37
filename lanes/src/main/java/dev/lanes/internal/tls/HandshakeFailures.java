package dev.lanes.internal.tls;

import dev.lanes.observe.LanesListener;
import dev.lanes.observe.TlsHandshakeFailure;
import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Internal, not for users: the failed handshakes of one TLS listener, counted by
 * {@link TlsHandshakeFailure} and reported to the app's listener. One instance listens to every
 * connection's handshake future (nothing is allocated per connection); it runs on the
 * connection's event loop, once, when the handshake ends.
 *
 * <pre>{@code handler.handshakeFuture().addListener(failures); }</pre>
 */
final class HandshakeFailures implements GenericFutureListener<Future<Channel>> {
  private static final int MAX_CAUSES = 8;
  private final LanesListener listener;
  private final LongAdder[] counts = new LongAdder[TlsHandshakeFailure.values().length];

  HandshakeFailures(LanesListener listener) {
    this.listener = listener;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  @Override
  public void operationComplete(Future<Channel> handshake) {
    Throwable cause = handshake.cause();
    if (cause == null) {
      return;
    }
    failed(cause);
  }

  /** Counts one failed handshake and reports it; for a failure before the {@code SslHandler} existed. */
  void failed(Throwable cause) {
    TlsHandshakeFailure reason = reasonOf(cause);
    counts[reason.ordinal()].increment();
    listener.tlsHandshakeFailed(reason);
  }

  /** The counts so far, every reason present. */
  Map<TlsHandshakeFailure, Long> counts() {
    Map<TlsHandshakeFailure, Long> out = new EnumMap<>(TlsHandshakeFailure.class);
    for (TlsHandshakeFailure r : TlsHandshakeFailure.values()) {
      out.put(r, counts[r.ordinal()].sum());
    }
    return out;
  }

  /**
   * Why a handshake failed. Netty's own exceptions say it for a timeout, a record that is not
   * TLS and a close; the engines (the JDK's and BoringSSL's) say the rest only in their messages
   * ("Client requested protocol TLSv1 is not enabled", "no cipher suites in common",
   * "UNSUPPORTED_PROTOCOL", "NO_SHARED_CIPHER", "WRONG_CURVE", "Empty client certificate chain",
   * "PEER_DID_NOT_RETURN_A_CERTIFICATE", "Received fatal alert: certificate_unknown"). Not every
   * refusal names its cause: BoringSSL reports a TLS 1.3 client's alert that it distrusts the
   * server's certificate as "BAD_PACKET_LENGTH", which is {@code OTHER}.
   */
  static TlsHandshakeFailure reasonOf(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      if (t instanceof SslHandshakeTimeoutException) {
        return TlsHandshakeFailure.TIMEOUT;
      }
      if (t instanceof NotSslRecordException) {
        return TlsHandshakeFailure.NOT_TLS;
      }
      if (t instanceof ClosedChannelException) {
        return TlsHandshakeFailure.CLOSED;
      }
      if (t instanceof GeneralSecurityException) { // CertificateException, CertPathValidatorException
        return TlsHandshakeFailure.CERTIFICATE;
      }
    }
    depth = 0;
    for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("certificate") || m.contains("unknown_ca") || m.contains("pkix")) {
        return TlsHandshakeFailure.CERTIFICATE;
      }
      if (m.contains("protocol") || m.contains("cipher") || m.contains("version") || m.contains("curve")
          || m.contains("group") || m.contains("signature")) {
        return TlsHandshakeFailure.PROTOCOL; // nothing in common to negotiate
      }
    }
    return TlsHandshakeFailure.OTHER;
  }
}
