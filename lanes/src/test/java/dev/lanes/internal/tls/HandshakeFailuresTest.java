package dev.lanes.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.observe.TlsHandshakeFailure;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;

/**
 * The reasons failed handshakes are counted under, from what the engines say. The messages are
 * the ones the JDK's engine and BoringSSL (Netty's OpenSSL engine) gave to real clients: the
 * socket tests ({@code TlsHandshakeFailureCountTest}) and {@code openssl s_client} against the demo.
 */
class HandshakeFailuresTest {

  @Test
  void nettysOwnExceptionsSayTimeoutNotTlsAndClosed() {
    assertThat(HandshakeFailures.reasonOf(new SslHandshakeTimeoutException("handshake timed out after 300ms")))
        .isEqualTo(TlsHandshakeFailure.TIMEOUT);
    assertThat(HandshakeFailures.reasonOf(new NotSslRecordException("not an SSL/TLS record: 474554")))
        .isEqualTo(TlsHandshakeFailure.NOT_TLS);
    assertThat(HandshakeFailures.reasonOf(new ClosedChannelException())).isEqualTo(TlsHandshakeFailure.CLOSED);
  }

  @Test
  void noVersionSuiteOrGroupInCommonIsProtocol() {
    for (String message : new String[] {
        "Client requested protocol TLSv1 is not enabled or supported in server context",
        "(handshake_failure) no cipher suites in common",
        "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL",
        "error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER",
        // openssl s_client -cipher AES128-SHA against an ECDSA certificate on BoringSSL
        "error:100000f3:SSL routines:OPENSSL_internal:WRONG_CURVE",
        "error:10000101:SSL routines:OPENSSL_internal:NO_SHARED_GROUP",
        "error:100000fd:SSL routines:OPENSSL_internal:NO_COMMON_SIGNATURE_ALGORITHMS"}) {
      assertThat(HandshakeFailures.reasonOf(new SSLHandshakeException(message))).as(message)
          .isEqualTo(TlsHandshakeFailure.PROTOCOL);
    }
  }

  @Test
  void aRefusedCertificateEitherWayIsCertificate() {
    for (String message : new String[] {
        "Empty client certificate chain",
        "error:10000412:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE",
        "(unknown_ca) Received fatal alert: unknown_ca",
        "(certificate_unknown) Received fatal alert: certificate_unknown",
        "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"}) {
      assertThat(HandshakeFailures.reasonOf(new SSLHandshakeException(message))).as(message)
          .isEqualTo(TlsHandshakeFailure.CERTIFICATE);
    }
    SSLHandshakeException pkix = new SSLHandshakeException("PKIX path building failed");
    pkix.initCause(new CertificateException("no trusted issuer"));
    assertThat(HandshakeFailures.reasonOf(pkix)).isEqualTo(TlsHandshakeFailure.CERTIFICATE);
  }

  @Test
  void anythingElseIsOther() {
    assertThat(HandshakeFailures.reasonOf(new SSLProtocolException("Unexpected exception")))
        .isEqualTo(TlsHandshakeFailure.OTHER);
    assertThat(HandshakeFailures.reasonOf(new SSLHandshakeException(
        "error:10000070:SSL routines:OPENSSL_internal:BAD_PACKET_LENGTH"))).isEqualTo(TlsHandshakeFailure.OTHER);
    assertThat(HandshakeFailures.reasonOf(new IllegalStateException())).isEqualTo(TlsHandshakeFailure.OTHER);
  }
}
