package dev.lanes.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.server.Tls;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Key material that can never complete a handshake must fail at start (and on reload), not per connection. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsKeyMaterialTest {
  @TempDir
  Path dir;

  @Test
  void aPrivateKeyThatDoesNotMatchTheCertificateFailsAtStartWithTheJdkEngine() throws Exception {
    SelfSignedCertificate a = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    SelfSignedCertificate b = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    Path cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), b.privateKeyPem()); // another key pair's key
    assertThatThrownBy(() -> TlsContexts.start(Tls.pem(cert, key).engine(Tls.Engine.JDK)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS key material");
  }

  @Test
  void aReloadWithAMismatchedKeyThrowsAndKeepsTheOldCertificate() throws Exception {
    SelfSignedCertificate a = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    SelfSignedCertificate b = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    Path cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), a.privateKeyPem());
    TlsContexts contexts = TlsContexts.start(Tls.pem(cert, key).engine(Tls.Engine.JDK));
    // A renewal that wrote the new certificate but not (yet) its key: docs/tls.md promises a throw.
    Files.writeString(cert, b.certificatePem());
    assertThatThrownBy(contexts::reload).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS key material");
  }

  /** The same with the OpenSSL (BoringSSL) engine, where netty-tcnative is usable. */
  @Test
  void aPrivateKeyThatDoesNotMatchTheCertificateFailsAtStartWithTheOpenSslEngine() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(OpenSsl.isAvailable());
    SelfSignedCertificate a = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    SelfSignedCertificate b = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    Path cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), b.privateKeyPem());
    assertThatThrownBy(() -> TlsContexts.start(Tls.pem(cert, key).engine(Tls.Engine.OPENSSL)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
