package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The TLS listener over real sockets, with each engine: what it serves, reloads, refuses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
  @TempDir
  Path dir;

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  private static App app(Path file) {
    return App.builder()
        .getAsync("/hello", req -> java.util.concurrent.CompletableFuture.completedFuture(
            Response.text("hello over " + req.scheme())))
        .get("/file", req -> FileResponse.of(req, file))
        .build();
  }

  private static Server start(App app, Tls tls) {
    return Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void servesHttpsBesideCleartextAndFilesArriveWhole(Tls.Engine engine) throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("blob.bin"), content);
    try (App app = app(file); Server server = start(app, Tls.selfSigned("localhost").engine(engine))) {
      assertThat(server.tlsEngine()).contains(engine);
      HttpClient client = HttpClient.newBuilder().sslContext(trustAll(null)).version(HttpClient.Version.HTTP_1_1).build();
      String https = "https://127.0.0.1:" + server.tlsPort().getAsInt();
      HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(https + "/hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(hello.body()).isEqualTo("hello over https");
      assertThat(hello.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
      HttpResponse<String> plain = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(plain.body()).isEqualTo("hello over http");
      // A file over TLS cannot go zero-copy: it is sent in chunks through the engine.
      HttpResponse<byte[]> blob = client.send(HttpRequest.newBuilder(URI.create(https + "/file")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(blob.statusCode()).isEqualTo(200);
      assertThat(blob.body()).isEqualTo(content);
      HttpResponse<byte[]> again = client.send(HttpRequest.newBuilder(URI.create(https + "/file")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(again.body()).isEqualTo(content); // the connection is still good for the next one
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void tls12IsAcceptedWithAnAeadSuite(Tls.Engine engine) throws Exception {
    try (App app = app(dir); Server server = start(app, Tls.selfSigned("localhost").engine(engine));
        SSLSocket socket = connect(server, trustAll(null), "TLSv1.2")) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(socket.getSession().getCipherSuite()).containsAnyOf("_GCM_", "CHACHA20");
      assertThat(get(socket, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello over https");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void clientInitiatedRenegotiationIsRefused(Tls.Engine engine) throws Exception {
    try (App app = app(dir); Server server = start(app, Tls.selfSigned("localhost").engine(engine));
        SSLSocket socket = connect(server, trustAll(null), "TLSv1.2")) {
      socket.startHandshake();
      assertThat(get(socket, "/hello")).endsWith("hello over https");
      socket.startHandshake(); // TLS 1.2: asks the server to renegotiate
      // A server that renegotiated would answer this request; one that refuses ends the connection.
      assertThatThrownBy(() -> {
        String answer = get(socket, "/hello");
        if (answer.isEmpty()) {
          throw new IOException("connection closed without an answer");
        }
      }).isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void reloadGivesNewConnectionsTheNewCertificateWhileOpenOnesGoOn(Tls.Engine engine) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    SelfSignedCertificate first = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    write(first, cert, key);
    try (App app = app(dir); Server server = start(app, Tls.pem(cert, key).engine(engine));
        SSLSocket before = connect(server, trustAll(null), "TLSv1.3")) {
      before.startHandshake();
      assertThat(serverCertificate(before)).isEqualTo(first.certificate());
      SelfSignedCertificate second = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
      write(second, cert, key);
      server.reloadTls();
      try (SSLSocket after = connect(server, trustAll(null), "TLSv1.3")) {
        after.startHandshake();
        assertThat(serverCertificate(after)).isEqualTo(second.certificate());
        assertThat(get(after, "/hello")).endsWith("hello over https");
      }
      assertThat(get(before, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello over https");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void requiredClientCertificatesAdmitOnlyTrustedClients(Tls.Engine engine) throws Exception {
    SelfSignedCertificate client = SelfSignedCertificate.generate("client", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), client.certificatePem());
    Tls tls = Tls.selfSigned("localhost").engine(engine).clientCertificates(Tls.ClientAuth.REQUIRED, trusted);
    try (App app = app(dir); Server server = start(app, tls)) {
      try (SSLSocket with = connect(server, trustAll(client), "TLSv1.3")) {
        assertThat(get(with, "/hello")).endsWith("hello over https");
      }
      SelfSignedCertificate stranger = SelfSignedCertificate.generate("client", Duration.ofDays(1));
      for (SelfSignedCertificate who : new SelfSignedCertificate[] {null, stranger}) {
        try (SSLSocket without = connect(server, trustAll(who), "TLSv1.3")) {
          // TLS 1.3: the client learns of the refusal when it reads.
          assertThatThrownBy(() -> {
            if (get(without, "/hello").isEmpty()) {
              throw new IOException("closed");
            }
          }).isInstanceOf(IOException.class);
        }
      }
    }
  }

  @Test
  void aSilentClientIsClosedAfterTheHandshakeTimeout() throws Exception {
    Tls tls = Tls.selfSigned("localhost").engine(Tls.Engine.JDK).handshakeTimeout(Duration.ofMillis(200));
    try (App app = app(dir); Server server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls)
        .requestHeadTimeout(Duration.ofMinutes(5)).stopOnSignal(false).build());
        Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress("127.0.0.1", server.tlsPort().getAsInt()));
      raw.setSoTimeout(30_000); // far past the handshake timeout, far short of the head timeout
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aHandshakeTimeoutOfForeverServesConnections() throws Exception {
    // Too long to count in milliseconds: capped, not an overflow in each connection's setup.
    Tls tls = Tls.selfSigned("localhost").handshakeTimeout(ChronoUnit.FOREVER.getDuration());
    try (App app = app(dir); Server server = start(app, tls);
        SSLSocket socket = connect(server, trustAll(null), "TLSv1.3")) {
      assertThat(get(socket, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello over https");
    }
  }

  @Test
  void badKeyMaterialFailsTheStartNamingIt() {
    Path missing = dir.resolve("missing-cert.pem");
    try (App app = app(dir)) {
      assertThatThrownBy(() -> start(app, Tls.pem(missing, missing)))
          .hasMessageContaining("missing-cert.pem");
    }
  }

  private static void write(SelfSignedCertificate c, Path cert, Path key) throws IOException {
    Files.writeString(cert, c.certificatePem());
    Files.writeString(key, c.privateKeyPem());
  }

  private static X509Certificate serverCertificate(SSLSocket socket) throws IOException {
    Certificate[] chain = socket.getSession().getPeerCertificates();
    return (X509Certificate) chain[0];
  }

  private static SSLSocket connect(Server server, SSLContext context, String protocol) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.tlsPort().getAsInt());
    socket.setEnabledProtocols(new String[] {protocol});
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** One keep-alive GET; the whole answer (head and body), or "" if the connection closed first. */
  private static String get(SSLSocket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    if (c < 0) {
      return "";
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }
}
