package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import dev.lanes.observe.TlsHandshakeFailure;
import dev.lanes.testing.Await;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ClientHellos that end early, come too long or name a server with a trailing dot, over raw
 * sockets, each engine, with and without server names: each failed handshake is counted once,
 * under the same reason whichever handler (the SNI one or the {@code SslHandler}) saw it fail.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsClientHelloEdgeTest {
  static List<Arguments> setups() {
    List<Arguments> out = new ArrayList<>();
    for (Tls.Engine engine : OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK)) {
      out.add(Arguments.of(engine, false));
      out.add(Arguments.of(engine, true));
    }
    return out;
  }

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  private static Server start(Tls tls) {
    App app = App.builder().get("/hello", req -> Response.text("hello")).build();
    return Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
  }

  @ParameterizedTest
  @MethodSource("setups")
  void aClientHelloCutShortTooLongOrLeftIsCountedOnceUnderOneReason(Tls.Engine engine, boolean named)
      throws Exception {
    Tls tls = Tls.selfSigned("localhost").engine(engine).handshakeTimeout(Duration.ofMillis(300));
    if (named) {
      tls = tls.serverName("other.example", Tls.selfSigned("other.example"));
    }
    Server server = start(tls);
    try {
      int port = server.tlsPort().getAsInt();
      // Half a ClientHello, then silence past the handshake timeout: the server closes.
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(halfClientHello());
        drain(s.getInputStream());
      }
      Await.until(() -> total(server) == 1, "the first failure counted");
      assertThat(server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.TIMEOUT))
          .as("half a ClientHello, then silence").isEqualTo(1L);
      // Half a ClientHello, then the client leaves.
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(halfClientHello());
        s.getOutputStream().flush();
      }
      Await.until(() -> total(server) == 2, "the second failure counted");
      assertThat(server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.CLOSED))
          .as("half a ClientHello, then a close").isEqualTo(1L);
      // A whole ClientHello, then silence: the certificate's handshake times out (what is left of
      // the timeout, with server names), counted by the SslHandler, not again by the SNI handler.
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(clientHello("localhost"));
        drain(s.getInputStream());
      }
      Await.until(() -> total(server) == 3, "the third failure counted");
      assertThat(server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.TIMEOUT))
          .as("a ClientHello, then silence").isEqualTo(2L);
      // A ClientHello claiming 64 KiB, past what the server reads.
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(longClientHelloStart());
        drain(s.getInputStream());
      }
      Await.until(() -> total(server) == 4, "the fourth failure counted");
      Map<TlsHandshakeFailure, Long> counts = server.statistics().tlsHandshakeFailures();
      // Malformed rather than nothing in common: OTHER, from the SNI handler's limit and the engines' alike.
      assertThat(counts.get(TlsHandshakeFailure.OTHER)).as("a ClientHello too long: " + counts).isEqualTo(1L);
      server.close();
      assertThat(total(server)).as("nothing counted twice").isEqualTo(4L);
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @MethodSource("setups")
  void aClientThatResetsMidClientHelloLeftAsOneThatCloses(Tls.Engine engine, boolean named) throws Exception {
    Tls tls = Tls.selfSigned("localhost").engine(engine);
    if (named) {
      tls = tls.serverName("other.example", Tls.selfSigned("other.example"));
    }
    Server server = start(tls);
    try {
      int port = server.tlsPort().getAsInt();
      // Half a ClientHello, then a reset (SO_LINGER 0), as load balancers' health checks and
      // impatient clients close: the server's read fails with "connection reset", not a clean EOF.
      Socket s = new Socket("127.0.0.1", port);
      s.getOutputStream().write(halfClientHello());
      s.getOutputStream().flush();
      s.setSoLinger(true, 0);
      s.close();
      Await.until(() -> total(server) == 1, "the failure counted");
      assertThat(server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.CLOSED))
          .as("a reset mid-ClientHello: " + server.statistics().tlsHandshakeFailures()).isEqualTo(1L);
      server.close();
      assertThat(total(server)).as("nothing counted twice").isEqualTo(1L);
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aServerNameWithATrailingDotGetsThatNamesCertificate(Tls.Engine engine) throws Exception {
    SelfSignedCertificate api = SelfSignedCertificate.generate("api.example.com", Duration.ofDays(1));
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sni-dot");
    java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("api.pem"), api.certificatePem());
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("api.key"), api.privateKeyPem());
    Tls tls = Tls.selfSigned("default.test").engine(engine).serverName("api.example.com", Tls.pem(cert, key));
    try (Server server = start(tls)) {
      if (engine == Tls.Engine.JDK) {
        // The JDK's engine reads the name itself and refuses one with a trailing dot (RFC 6066
        // section 3 sends none) with illegal_parameter, whichever certificate was chosen.
        assertThatThrownBy(() -> servedFor(server.tlsPort().getAsInt(), "api.example.com."))
            .hasMessageContaining("illegal_parameter");
        Await.until(() -> total(server) == 1, "the refused handshake counted");
        assertThat(server.statistics().tlsHandshakeFailures().get(TlsHandshakeFailure.OTHER)).isEqualTo(1L);
        return;
      }
      X509Certificate served = servedFor(server.tlsPort().getAsInt(), "api.example.com.");
      assertThat(served).as("the certificate for api.example.com. (RFC 6066: the name has no trailing dot)")
          .isEqualTo(api.certificate());
    }
  }

  private static long total(Server server) {
    return server.statistics().tlsHandshakeFailures().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The certificate a TLS 1.2 server sends (in the clear) for {@code name}, which may end in a dot:
   * the JDK's client refuses to send such a name, so its ClientHello for a name of the same length
   * is sent with the last byte of the name changed.
   */
  private static X509Certificate servedFor(int port, String name) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    X509TrustManager capture = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.set(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(null, new TrustManager[] {capture}, null);
    SSLEngine client = context.createSSLEngine("127.0.0.1", port);
    client.setUseClientMode(true);
    client.setEnabledProtocols(new String[] {"TLSv1.2"});
    String stand = name.substring(0, name.length() - 1) + "z";
    SSLParameters params = client.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(stand)));
    client.setSSLParameters(params);
    ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
    client.wrap(ByteBuffer.allocate(0), net);
    net.flip();
    byte[] hello = new byte[net.remaining()];
    net.get(hello);
    byte[] standBytes = stand.getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(hello, standBytes);
    assertThat(at).as("the name in the ClientHello").isPositive();
    System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, hello, at, standBytes.length);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(hello);
      InputStream in = s.getInputStream();
      ByteBuffer received = ByteBuffer.allocate(64 * 1024);
      byte[] chunk = new byte[4096];
      while (seen.get() == null) {
        int n = in.read(chunk);
        if (n < 0) {
          throw new AssertionError("the server closed without a certificate");
        }
        received.put(chunk, 0, n);
        received.flip();
        while (seen.get() == null) {
          app.clear();
          SSLEngineResult r;
          try {
            r = client.unwrap(received, app);
          } catch (javax.net.ssl.SSLException e) {
            if (seen.get() != null) {
              break;
            }
            throw e;
          }
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
            break;
          }
          Runnable task;
          while ((task = client.getDelegatedTask()) != null) {
            task.run();
          }
        }
        received.compact();
      }
    }
    return seen.get();
  }

  /** A JDK client's first flight: its ClientHello naming {@code name}. */
  private static byte[] clientHello(String name) throws Exception {
    SSLEngine client = SSLContext.getDefault().createSSLEngine(name, 443);
    client.setUseClientMode(true);
    ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), net);
    net.flip();
    byte[] hello = new byte[net.remaining()];
    net.get(hello);
    return hello;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The first 20 bytes of a record that claims 100: a ClientHello begun and not finished. */
  private static byte[] halfClientHello() {
    byte[] out = new byte[20];
    out[0] = 0x16;
    out[1] = 3;
    out[2] = 1;
    out[3] = 0;
    out[4] = 100;
    out[5] = 1; // ClientHello
    out[8] = 96;
    out[9] = 3;
    out[10] = 3;
    return out;
  }

  /** One whole 16 KiB record starting a ClientHello that claims 64 KiB. */
  private static byte[] longClientHelloStart() {
    byte[] out = new byte[5 + 16384];
    out[0] = 0x16;
    out[1] = 3;
    out[2] = 1;
    out[3] = 0x40;
    out[4] = 0;
    out[5] = 1; // ClientHello
    out[6] = 1; // length 0x010000
    out[9] = 3;
    out[10] = 3;
    return out;
  }

  private static void drain(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // until the server closes
      }
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
  }
}
