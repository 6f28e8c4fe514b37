package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.TlsHandshakeFailure;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.testing.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failed TLS handshake is counted once, under a reason from a small fixed set, in the
 * server's statistics, through the listener and in {@code lanes.tls.handshake.failures}: real
 * clients on real sockets, with and without ALPN {@code h2}, each engine, with and without
 * server names (whose failures before the name is read are counted too).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHandshakeFailureCountTest {
  @TempDir
  Path dir;

  static List<Arguments> setups() {
    List<Arguments> out = new ArrayList<>();
    for (Tls.Engine engine : OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK)) {
      for (boolean named : List.of(false, true)) {
        out.add(Arguments.of(engine, true, named));
        out.add(Arguments.of(engine, false, named));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("setups")
  void eachFailedHandshakeIsCountedOnceUnderItsReason(Tls.Engine engine, boolean http2, boolean named)
      throws Exception {
    SelfSignedCertificate trustedClient = SelfSignedCertificate.generate("client", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), trustedClient.certificatePem());
    Tls tls = Tls.selfSigned("localhost").engine(engine).http2(http2).handshakeTimeout(Duration.ofMillis(300))
        .clientCertificates(Tls.ClientAuth.REQUIRED, trusted);
    if (named) { // SNI: the ClientHello is read first, then the SslHandler for its name takes over
      tls = tls.serverName("other.example", Tls.selfSigned("other.example"));
    }
    Map<TlsHandshakeFailure, LongAdder> heard = new ConcurrentHashMap<>();
    LanesListener listener = new LanesListener() {
      @Override
      public void tlsHandshakeFailed(TlsHandshakeFailure reason) {
        heard.computeIfAbsent(reason, r -> new LongAdder()).increment();
      }
    };
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App app = App.builder().listener(listener).listener(metrics).get("/hello", req -> Response.text("hello")).build();
    Server server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls)
        .stopOnSignal(false).shutdownGrace(Duration.ofSeconds(2)).build());
    try (app) {
      int port = server.tlsPort().getAsInt();
      // A handshake that succeeds counts nothing.
      try (SSLSocket ok = (SSLSocket) trustAll(trustedClient).getSocketFactory().createSocket("127.0.0.1", port)) {
        ok.setSoTimeout(20_000);
        ok.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(ok.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      }
      // Plaintext HTTP on the TLS port.
      try (Socket raw = new Socket("127.0.0.1", port)) {
        raw.setSoTimeout(20_000);
        raw.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        drain(raw.getInputStream());
      }
      // A protocol version the server does not speak: a TLS 1.0 ClientHello.
      try (Socket raw = new Socket("127.0.0.1", port)) {
        raw.setSoTimeout(20_000);
        raw.getOutputStream().write(ClientHellos.tls10());
        drain(raw.getInputStream());
      }
      // No cipher suite in common: TLS 1.2 offering only CBC suites (the server takes AEAD ones).
      refused(trustAll(trustedClient), port, "TLSv1.2",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
      // No client certificate a trusted CA issued.
      refused(trustAll(SelfSignedCertificate.generate("stranger", Duration.ofDays(1))), port, "TLSv1.3");
      // A client that does not trust the server's certificate, and says so.
      refused(SSLContext.getDefault(), port, "TLSv1.3");
      // A client that connects and says nothing: the handshake times out, the server closes.
      try (Socket silent = new Socket("127.0.0.1", port)) {
        silent.setSoTimeout(20_000);
        drain(silent.getInputStream());
      }
      // A client that connects and leaves (a TCP health check).
      new Socket("127.0.0.1", port).close();

      Map<TlsHandshakeFailure, Long> expected = new EnumMap<>(TlsHandshakeFailure.class);
      expected.put(TlsHandshakeFailure.NOT_TLS, 1L);
      expected.put(TlsHandshakeFailure.PROTOCOL, 2L);
      expected.put(TlsHandshakeFailure.CERTIFICATE, 2L);
      expected.put(TlsHandshakeFailure.TIMEOUT, 1L);
      expected.put(TlsHandshakeFailure.CLOSED, 1L);
      expected.put(TlsHandshakeFailure.OTHER, 0L);
      Await.until(() -> server.statistics().tlsHandshakeFailures().values().stream().mapToLong(Long::longValue).sum() >= 7,
          "seven failed handshakes counted");
      server.close(); // nothing counted late: every connection is closed
      assertThat(server.statistics().tlsHandshakeFailures()).as("server statistics").isEqualTo(expected);
      Map<TlsHandshakeFailure, Long> listened = new EnumMap<>(TlsHandshakeFailure.class);
      Map<TlsHandshakeFailure, Long> metered = new EnumMap<>(TlsHandshakeFailure.class);
      for (TlsHandshakeFailure reason : TlsHandshakeFailure.values()) {
        listened.put(reason, heard.containsKey(reason) ? heard.get(reason).sum() : 0L);
        var counter = registry.find("lanes.tls.handshake.failures").tag("reason", reason.tag()).counter();
        metered.put(reason, counter == null ? 0L : (long) counter.count());
      }
      assertThat(listened).as("listener").isEqualTo(expected);
      assertThat(metered).as("lanes.tls.handshake.failures").isEqualTo(expected);
    } finally {
      server.close();
    }
  }

  private static void refused(SSLContext context, int port, String protocol, String... ciphers) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.setEnabledProtocols(new String[] {protocol});
      if (ciphers.length > 0) {
        socket.setEnabledCipherSuites(ciphers);
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
    try {
      while (in.read() >= 0) {
        // until the server closes
      }
    } catch (java.net.SocketException reset) {
      // the server closed with data unread: a reset is a close too
    }
  }
}
