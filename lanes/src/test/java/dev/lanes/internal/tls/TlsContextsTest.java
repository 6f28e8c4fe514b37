package dev.lanes.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.server.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsContextsTest {
  @TempDir
  Path dir;

  @Test
  void enginesOfferTls13And12WithAeadSuitesOnly() {
    for (Tls.Engine engine : OpenSsl.isAvailable() ? Tls.Engine.values() : new Tls.Engine[] {Tls.Engine.JDK}) {
      if (engine == Tls.Engine.AUTO) {
        continue;
      }
      TlsContexts contexts = TlsContexts.start(Tls.selfSigned("localhost").engine(engine));
      SslHandler handler = (SslHandler) contexts.newHandler(ByteBufAllocator.DEFAULT);
      SSLEngine ssl = handler.engine();
      assertThat(ssl.getUseClientMode()).isFalse();
      // Netty's OpenSSL engine always lists the SSLv2Hello pseudo-protocol; BoringSSL has no SSLv2.
      assertThat(Arrays.stream(ssl.getEnabledProtocols()).filter(p -> !p.equals("SSLv2Hello")))
          .as(engine.name()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
      assertThat(ssl.getEnabledCipherSuites()).as(engine.name()).isNotEmpty()
          .allSatisfy(c -> assertThat(c).containsAnyOf("_GCM_", "CHACHA20_POLY1305"))
          .allSatisfy(c -> assertThat(c).doesNotContain("_CBC_").doesNotStartWith("TLS_RSA_").doesNotStartWith("TLS_DHE_").doesNotStartWith("SSL_"));
      assertThat(handler.getHandshakeTimeoutMillis()).isEqualTo(10_000);
    }
  }

  @Test
  void aHandshakeTimeoutTooLongToCountInMillisecondsIsCappedNotAnOverflow() {
    for (Duration huge : new Duration[] {ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE),
        Duration.ofMillis(Long.MAX_VALUE).plusNanos(1)}) {
      TlsContexts contexts = TlsContexts.start(Tls.selfSigned("localhost").engine(Tls.Engine.JDK).handshakeTimeout(huge));
      assertThat(((SslHandler) contexts.newHandler(ByteBufAllocator.DEFAULT)).getHandshakeTimeoutMillis()).as(huge.toString())
          .isEqualTo(Long.MAX_VALUE);
    }
  }

  @Test
  void aHandshakeTimeoutBelowOneMillisecondIsRoundedUpNotTurnedIntoNone() {
    // Netty takes 0 ms for "no timeout": a nanosecond must not become that.
    for (Duration tiny : new Duration[] {Duration.ofNanos(1), Duration.ofNanos(999_999)}) {
      TlsContexts contexts = TlsContexts.start(Tls.selfSigned("localhost").engine(Tls.Engine.JDK).handshakeTimeout(tiny));
      assertThat(((SslHandler) contexts.newHandler(ByteBufAllocator.DEFAULT)).getHandshakeTimeoutMillis()).as(tiny.toString())
          .isEqualTo(1);
    }
    TlsContexts partial = TlsContexts.start(Tls.selfSigned("localhost").engine(Tls.Engine.JDK)
        .handshakeTimeout(Duration.ofMillis(1500).plusNanos(1)));
    assertThat(((SslHandler) partial.newHandler(ByteBufAllocator.DEFAULT)).getHandshakeTimeoutMillis()).isEqualTo(1501);
  }

  @Test
  void hostNamesOfHexLettersAreDnsNamesNeverLookedUp() throws Exception {
    // Hex letters, with or without dots, are names: no DNS lookup (which hangs on a closed
    // network), no IP address in their place.
    for (String host : new String[] {"cafe", "beef", "add", "beef.cafe", "dead.beef.cafe"}) {
      X509Certificate cert = SelfSignedCertificate.generate(host, Duration.ofDays(1)).certificate();
      assertThat(cert.getSubjectAlternativeNames()).as(host).containsExactly(List.of(2, host)); // 2: dNSName
    }
  }

  @Test
  void ipLiteralsAreIpAddressesInTheCertificate() throws Exception {
    assertThat(SelfSignedCertificate.generate("10.1.2.3", Duration.ofDays(1)).certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(7, "10.1.2.3")); // 7: iPAddress
    assertThat(SelfSignedCertificate.generate("fe80::cafe", Duration.ofDays(1)).certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(7, "fe80:0:0:0:0:0:0:cafe"));
  }

  @Test
  void autoPicksOpenSslWhenTcnativeIsThere() {
    Tls.Engine expected = OpenSsl.isAvailable() ? Tls.Engine.OPENSSL : Tls.Engine.JDK;
    assertThat(TlsContexts.start(Tls.selfSigned("localhost")).engine()).isEqualTo(expected);
  }

  @Test
  void jdkEngineRefusesClientRenegotiationUnlessToldOtherwise() {
    TlsContexts.start(Tls.selfSigned("localhost").engine(Tls.Engine.JDK));
    assertThat(System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation")).isEqualTo("true");
  }

  @Test
  void selfSignedCertificateIsValidForItsPeriodAndNamesItsHost() throws Exception {
    SelfSignedCertificate self = SelfSignedCertificate.generate("localhost", Duration.ofDays(30));
    X509Certificate cert = self.certificate();
    cert.verify(cert.getPublicKey()); // self-signed, and the signature is right
    cert.checkValidity();
    long days = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
    assertThat(days).isBetween(29L, 31L);
    assertThat(cert.getNotAfter().toInstant()).isBefore(Instant.now().plus(Duration.ofDays(31)));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThatThrownBy(() -> SelfSignedCertificate.generate("localhost", Duration.ofDays(3650)))
        .hasMessageContaining("398 days");
  }

  @Test
  void pemFilesAreReadAndAReloadWithBrokenFilesKeepsTheOldContext() throws Exception {
    SelfSignedCertificate self = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    Path cert = Files.writeString(dir.resolve("cert.pem"), self.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), self.privateKeyPem());
    TlsContexts contexts = TlsContexts.start(Tls.pem(cert, key).engine(Tls.Engine.JDK));
    Files.writeString(key, "not a key");
    assertThatThrownBy(contexts::reload).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS key material");
    assertThat(((SslHandler) contexts.newHandler(ByteBufAllocator.DEFAULT)).engine().getEnabledProtocols()).contains("TLSv1.3");
  }

  @Test
  void aKeyStoreIsReadWithItsPasswordAndAWrongOneFailsAtStart() throws Exception {
    SelfSignedCertificate self = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", self.privateKey(), "s3cret".toCharArray(), new Certificate[] {self.certificate()});
    Path file = dir.resolve("server.p12");
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, "s3cret".toCharArray());
    }
    for (Tls.Engine engine : OpenSsl.isAvailable() ? new Tls.Engine[] {Tls.Engine.JDK, Tls.Engine.OPENSSL}
        : new Tls.Engine[] {Tls.Engine.JDK}) {
      SSLEngine ssl = ((SslHandler) TlsContexts.start(Tls.keyStore(file, "s3cret").engine(engine))
          .newHandler(ByteBufAllocator.DEFAULT)).engine();
      assertThat(ssl.getEnabledCipherSuites()).as(engine.name()).isNotEmpty();
    }
    assertThatThrownBy(() -> TlsContexts.start(Tls.keyStore(file, "wrong")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server.p12")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void missingFilesFailAtStartNamingThem() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> TlsContexts.start(Tls.pem(missing, missing)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");
  }
}
