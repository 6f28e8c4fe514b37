package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import dev.lanes.observe.TlsHandshakeFailure;
import dev.lanes.testing.Await;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * A handshake the server refuses is the peer's doing (plaintext on the TLS port, an old protocol,
 * a client certificate from an unknown CA): logged at DEBUG at most, never WARN or ERROR, so a
 * scanner's flood of them does not flood the log. With and without ALPN {@code h2}, each engine,
 * with one certificate and with server names (SNI), where a ClientHello longer than the SNI
 * handler reads is refused too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHandshakeFailureLogTest {
  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME),
      (Logger) LoggerFactory.getLogger("dev.lanes"), (Logger) LoggerFactory.getLogger("io.netty"));

  /** Everything at WARN and up, and Lanes' and Netty's own lines at every level (kept off the console). */
  @BeforeEach
  void capture() {
    appender.start();
    for (Logger l : loggers) {
      l.addAppender(appender);
    }
    for (Logger l : loggers.subList(1, loggers.size())) {
      l.setLevel(Level.TRACE);
      l.setAdditive(false);
    }
  }

  @AfterEach
  void release() {
    for (Logger l : loggers) {
      l.detachAppender(appender);
    }
    for (Logger l : loggers.subList(1, loggers.size())) {
      l.setLevel(null);
      l.setAdditive(true);
    }
  }

  static List<Arguments> setups() {
    List<Arguments> out = new ArrayList<>();
    for (Tls.Engine engine : OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK)) {
      for (boolean http2 : new boolean[] {true, false}) {
        for (boolean named : new boolean[] {false, true}) {
          out.add(Arguments.of(engine, http2, false, named));
          out.add(Arguments.of(engine, http2, true, named));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("setups")
  void refusedHandshakesAreNotWarnings(Tls.Engine engine, boolean http2, boolean full, boolean named) throws Exception {
    SelfSignedCertificate trustedClient = SelfSignedCertificate.generate("client", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), trustedClient.certificatePem());
    Tls tls = Tls.selfSigned("localhost").engine(engine).http2(http2)
        .clientCertificates(Tls.ClientAuth.REQUIRED, trusted);
    if (named) {
      tls = tls.serverName("api.example.com", Tls.selfSigned("api.example.com"));
    }
    App app = App.builder().get("/hello", req -> Response.text("hello")).build();
    try (app; Server server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls)
        .maxConnections(full ? 1 : 10_000).stopOnSignal(false).shutdownGrace(Duration.ofSeconds(2)).build());
        SSLSocket held = (SSLSocket) trustAll(trustedClient).getSocketFactory()
            .createSocket("127.0.0.1", server.tlsPort().getAsInt())) {
      int port = server.tlsPort().getAsInt();
      // Full: the one connection allowed is taken, so the next ones meet the refusal handler.
      held.setSoTimeout(20_000);
      held.startHandshake();
      Await.until(() -> server.statistics().connections() == 1, "the held connection counted");
      // Plaintext HTTP on the TLS port.
      try (Socket raw = new Socket("127.0.0.1", port)) {
        raw.setSoTimeout(20_000);
        raw.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        drain(raw.getInputStream());
      }
      // A protocol the server does not speak: a TLS 1.0 ClientHello (the JDK's client no longer sends one).
      try (Socket raw = new Socket("127.0.0.1", port)) {
        raw.setSoTimeout(20_000);
        raw.getOutputStream().write(ClientHellos.tls10());
        drain(raw.getInputStream());
      }
      // A client certificate no trusted CA issued (to a named certificate, with server names).
      refused(presenting(SelfSignedCertificate.generate("stranger", Duration.ofDays(1))), port, "TLSv1.2", named);
      // Each refusal is logged after the close the client saw: wait for all three lines, whatever their level.
      Await.until(() -> sslFailuresLogged() >= 3, "three refused handshakes logged");
      if (named) {
        // A ClientHello claiming 1 MiB: the SNI handler refuses it before sizing a buffer by it.
        try (Socket raw = new Socket("127.0.0.1", port)) {
          raw.setSoTimeout(20_000);
          raw.getOutputStream().write(new byte[] {0x16, 3, 1, 0, 4, 1, 0x10, 0, 0});
          drain(raw.getInputStream());
        }
        Await.until(() -> logged("TooLongFrameException"), "the too long ClientHello logged");
      }
      // A client that resets mid-ClientHello (SO_LINGER 0): the read fails with "connection reset",
      // handled (and logged) before the close is counted.
      long before = server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.CLOSED);
      Socket reset = new Socket("127.0.0.1", port);
      reset.getOutputStream().write(new byte[] {0x16, 3, 1, 0, 100, 1, 0, 0, 96, 3, 3});
      reset.getOutputStream().flush();
      reset.setSoLinger(true, 0);
      reset.close();
      Await.until(() -> server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.CLOSED) > before,
          "the reset counted");
    }
    assertThat(events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage())))
        .as("WARN or ERROR lines").isEmpty();
  }

  /** The events logged so far, read under the appender's lock, which its appends (on the loops) hold. */
  private List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  private boolean logged(String exception) {
    return events().stream().anyMatch(e -> {
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        if (t.getClassName().endsWith(exception)) {
          return true;
        }
      }
      return false;
    });
  }

  private long sslFailuresLogged() {
    return events().stream().filter(e -> {
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        if (t.getClassName().contains("SSL") || t.getClassName().contains("Ssl")) {
          return true;
        }
      }
      return false;
    }).count();
  }

  /** Trusts any server and presents {@code identity} whatever CAs the server names. */
  private static SSLContext presenting(SelfSignedCertificate identity) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", identity.privateKey(), new char[0], new Certificate[] {identity.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    X509KeyManager keys = (X509KeyManager) kmf.getKeyManagers()[0];
    X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {"me"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return "me";
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return keys.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return keys.getPrivateKey(alias);
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {always}, new TrustManager[] {TrustingTls.anyServer()}, new SecureRandom());
    return context;
  }

  private static void refused(SSLContext context, int port, String protocol, boolean named) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.setEnabledProtocols(new String[] {protocol});
      if (named) {
        SSLParameters p = socket.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("api.example.com")));
        socket.setSSLParameters(p);
      }
      OutputStream out = socket.getOutputStream();
      out.write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      drain(socket.getInputStream());
      throw new AssertionError(protocol + " client was served");
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError(protocol + " client neither served nor refused", e);
    } catch (IOException expected) {
      // refused in the handshake, as wanted
    }
  }

  private static void drain(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // until the server closes
    }
  }
}
