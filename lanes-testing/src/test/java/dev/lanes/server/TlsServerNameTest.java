package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import dev.lanes.testing.Await;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One TLS listener, several certificates chosen by the name the client sends (SNI, RFC 6066
 * section 3), over real sockets with the JDK's client and each server engine: exact and wildcard
 * names, the default for no name or an unknown one, and everything one certificate has (HTTP/1.1
 * by ALPN, client certificates, reload, the handshake timeout, the refusal past
 * {@code maxConnections}) per name. HTTP/2 per name: {@code H2TlsTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsServerNameTest {
  @TempDir
  Path dir;

  private static final byte[] BLOB = blob();

  private SelfSignedCertificate fallback;
  private SelfSignedCertificate api;
  private SelfSignedCertificate wildcard;

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  @BeforeEach
  void certificates() throws IOException {
    fallback = write("default", SelfSignedCertificate.generate("default.test", Duration.ofDays(1)));
    api = write("api", SelfSignedCertificate.generate("api.example.com", Duration.ofDays(1)));
    wildcard = write("wildcard", SelfSignedCertificate.generate("any.example.com", Duration.ofDays(1)));
  }

  /** The default, {@code api.example.com} and {@code *.example.com}, from PEM files in {@link #dir}. */
  private Tls named(Tls.Engine engine) {
    return pem("default").engine(engine)
        .serverName("api.example.com", pem("api"))
        .serverName("*.example.com", pem("wildcard"));
  }

  private App app() throws IOException {
    Path file = Files.write(dir.resolve("blob.bin"), BLOB);
    return App.builder()
        .get("/file", req -> FileResponse.of(req, file))
        .get("/hello", req -> Response.text("hello over " + req.scheme() + " "
            + req.tlsSession().map(s -> s.getProtocol()).orElse("without a session")))
        .get("/client", req -> Response.text(req.clientCertificates().isEmpty() ? "none"
            : req.clientCertificates().get(0).getSubjectX500Principal().getName()))
        .build();
  }

  private static Server start(App app, Tls tls) {
    return start(app, tls, ServerConfig.builder());
  }

  private static Server start(App app, Tls tls, ServerConfig.Builder config) {
    return Server.start(app, config.port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void eachNameGetsItsCertificateAndNoNameOrAnUnknownOneTheDefault(Tls.Engine engine) throws Exception {
    try (App app = app(); Server server = start(app, named(engine))) {
      assertThat(served(server, "api.example.com")).isEqualTo(api.certificate());
      assertThat(served(server, "API.Example.COM")).as("names compare case-insensitively").isEqualTo(api.certificate());
      assertThat(served(server, "www.example.com")).as("the wildcard").isEqualTo(wildcard.certificate());
      assertThat(served(server, "a.b.example.com")).as("a wildcard covers one label").isEqualTo(fallback.certificate());
      assertThat(served(server, "example.com")).as("nor the bare domain").isEqualTo(fallback.certificate());
      assertThat(served(server, "other.test")).as("an unknown name").isEqualTo(fallback.certificate());
      assertThat(served(server, null)).as("no SNI").isEqualTo(fallback.certificate());
      try (SSLSocket socket = connect(server, "api.example.com", trustAll(null))) {
        assertThat(dnsNames(peer(socket))).containsExactly("api.example.com");
        // The HTTP/1.1 side sees the connection's TLS as with one certificate: scheme, session.
        assertThat(get(socket, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello over https TLSv1.3");
        assertThat(get(socket, "/hello")).as("keep-alive").endsWith("hello over https TLSv1.3");
        // A file cannot go zero-copy past the engine: it must come through whole, in chunks.
        OutputStream out = socket.getOutputStream();
        out.write("GET /file HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          head.append((char) in.read());
        }
        assertThat(head.toString().toLowerCase()).startsWith("http/1.1 200").contains("content-length: " + BLOB.length);
        assertThat(in.readNBytes(BLOB.length)).isEqualTo(BLOB);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void http11ByAlpnAndASelfSignedNameWorkPerName(Tls.Engine engine) throws Exception {
    Tls tls = named(engine).serverName("self.test", Tls.selfSigned("self.test"));
    try (App app = app(); Server server = start(app, tls);
        SSLSocket socket = connect(server, "self.test", trustAll(null), "http/1.1")) {
      assertThat(get(socket, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello over https TLSv1.3");
      assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
      assertThat(dnsNames(peer(socket))).containsExactly("self.test");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void reloadReadsEveryNamesKeyMaterialAndOpenConnectionsGoOn(Tls.Engine engine) throws Exception {
    try (App app = app(); Server server = start(app, named(engine));
        SSLSocket before = connect(server, "api.example.com", trustAll(null))) {
      assertThat(peer(before)).isEqualTo(api.certificate());
      SelfSignedCertificate renewed = write("api", SelfSignedCertificate.generate("api.example.com", Duration.ofDays(2)));
      server.reloadTls();
      assertThat(served(server, "api.example.com")).isEqualTo(renewed.certificate());
      assertThat(served(server, "www.example.com")).as("the other names as they were").isEqualTo(wildcard.certificate());
      assertThat(served(server, null)).isEqualTo(fallback.certificate());
      assertThat(get(before, "/hello")).as("the open connection goes on").endsWith("hello over https TLSv1.3");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aConnectionMidHandshakeAtAReloadShakesHandsWithTheMaterialOfItsAccept(Tls.Engine engine) throws Exception {
    try (App app = app(); Server server = start(app, named(engine));
        Socket accepted = new Socket("127.0.0.1", server.tlsPort().getAsInt())) {
      Await.until(() -> server.statistics().connections() == 1, "the connection accepted, no ClientHello yet");
      SelfSignedCertificate renewed = write("api", SelfSignedCertificate.generate("api.example.com", Duration.ofDays(2)));
      server.reloadTls();
      // Its ClientHello comes after the reload: it still gets the contexts taken at accept, whole.
      SSLSocket late = (SSLSocket) trustAll(null).getSocketFactory().createSocket(accepted, "api.example.com",
          server.tlsPort().getAsInt(), true);
      SSLParameters p = late.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("api.example.com")));
      late.setSSLParameters(p);
      late.setSoTimeout(20_000);
      assertThat(peer(late)).isEqualTo(api.certificate());
      assertThat(get(late, "/hello")).endsWith("hello over https TLSv1.3");
      assertThat(served(server, "api.example.com")).as("a new connection").isEqualTo(renewed.certificate());
      assertThat(server.statistics().tlsHandshakeFailures().values()).as("no failed handshake").containsOnly(0L);
    }
  }

  @Test
  void aReloadThatCannotUseOneNamesMaterialKeepsAllOfItAndNamesIt() throws Exception {
    try (App app = app(); Server server = start(app, named(Tls.Engine.JDK))) {
      write("default", SelfSignedCertificate.generate("default.test", Duration.ofDays(2)));
      // A renewal half done: the wildcard's new certificate, its old key.
      Files.writeString(dir.resolve("wildcard-cert.pem"),
          SelfSignedCertificate.generate("any.example.com", Duration.ofDays(2)).certificatePem());
      assertThatThrownBy(server::reloadTls).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("*.example.com").hasMessageContaining("wildcard-cert.pem");
      assertThat(served(server, null)).as("the default's new material is not used either").isEqualTo(fallback.certificate());
      assertThat(served(server, "www.example.com")).isEqualTo(wildcard.certificate());
    }
  }

  @Test
  void aNamesMissingKeyMaterialFailsTheStartNamingIt() throws IOException {
    Tls tls = pem("default").serverName("api.example.com", Tls.pem(dir.resolve("gone.pem"), dir.resolve("gone.pem")));
    try (App app = app()) {
      assertThatThrownBy(() -> start(app, tls)).hasMessageContaining("api.example.com").hasMessageContaining("gone.pem");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void clientCertificatesAreAskedForOnEveryName(Tls.Engine engine) throws Exception {
    SelfSignedCertificate client = SelfSignedCertificate.generate("client", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), client.certificatePem());
    Tls tls = named(engine).clientCertificates(Tls.ClientAuth.REQUIRED, trusted);
    try (App app = app(); Server server = start(app, tls)) {
      for (String name : new String[] {"api.example.com", "www.example.com", null}) {
        try (SSLSocket with = connect(server, name, trustAll(client))) {
          assertThat(get(with, "/client")).as(name).endsWith("CN=client");
        }
        try (SSLSocket without = connect(server, name, trustAll(null))) {
          // TLS 1.3: the client learns of the refusal when it reads.
          assertThatThrownBy(() -> {
            if (get(without, "/client").isEmpty()) {
              throw new IOException("closed");
            }
          }).as(name).isInstanceOf(IOException.class);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void pastMaxConnectionsANamedClientGetsItsCertificateThenA503(Tls.Engine engine) throws Exception {
    Tls tls = named(engine).handshakeTimeout(Duration.ofMillis(500));
    try (App app = app(); Server server = start(app, tls, ServerConfig.builder().maxConnections(1));
        SSLSocket held = connect(server, "www.example.com", trustAll(null))) {
      assertThat(get(held, "/hello")).endsWith("hello over https TLSv1.3");
      try (SSLSocket refused = connect(server, "api.example.com", trustAll(null))) {
        assertThat(peer(refused)).isEqualTo(api.certificate());
        assertThat(read(refused.getInputStream())).startsWith("HTTP/1.1 503");
      }
      // Refused connections' failed handshakes count too, once each: a silent one and a plaintext one.
      try (Socket silent = new Socket("127.0.0.1", server.tlsPort().getAsInt())) {
        silent.setSoTimeout(20_000);
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
      }
      try (Socket plain = new Socket("127.0.0.1", server.tlsPort().getAsInt())) {
        plain.setSoTimeout(20_000);
        plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try {
          assertThat(new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
              .as("no 503 in the clear").doesNotContain("HTTP/1.1");
        } catch (java.net.SocketException reset) {
          // closed with the request unread: a reset is a close too
        }
      }
      Await.until(() -> server.statistics().tlsHandshakeFailures().values().stream().mapToLong(Long::longValue).sum() == 2,
          "both failures counted");
      assertThat(get(held, "/hello")).as("the admitted connection goes on").endsWith("hello over https TLSv1.3");
      assertThat(server.statistics().tlsHandshakeFailures().get(dev.lanes.observe.TlsHandshakeFailure.TIMEOUT)).isEqualTo(1L);
      assertThat(server.statistics().tlsHandshakeFailures().get(dev.lanes.observe.TlsHandshakeFailure.NOT_TLS)).isEqualTo(1L);
    }
  }

  @Test
  void aClientSilentBeforeItsClientHelloIsClosedAfterTheHandshakeTimeout() throws Exception {
    Tls tls = named(Tls.Engine.JDK).handshakeTimeout(Duration.ofMillis(200));
    try (App app = app(); Server server = start(app, tls, ServerConfig.builder().requestHeadTimeout(Duration.ofMinutes(5)));
        Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress("127.0.0.1", server.tlsPort().getAsInt()));
      raw.setSoTimeout(30_000); // far past the handshake timeout, far short of the head timeout
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
      Await.until(() -> server.statistics().connections() == 0, "the connection let go");
    }
  }

  @Test
  void aHandshakeTimeoutOfForeverServesNamedConnections() throws Exception {
    Tls tls = named(Tls.Engine.JDK).handshakeTimeout(ChronoUnit.FOREVER.getDuration());
    try (App app = app(); Server server = start(app, tls);
        SSLSocket socket = connect(server, "api.example.com", trustAll(null))) {
      assertThat(get(socket, "/hello")).endsWith("hello over https TLSv1.3");
    }
  }

  private static byte[] blob() {
    byte[] b = new byte[300 * 1024 + 7];
    new Random(5).nextBytes(b);
    return b;
  }

  private Tls pem(String name) {
    return Tls.pem(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"));
  }

  private SelfSignedCertificate write(String name, SelfSignedCertificate c) throws IOException {
    Files.writeString(dir.resolve(name + "-cert.pem"), c.certificatePem());
    Files.writeString(dir.resolve(name + "-key.pem"), c.privateKeyPem());
    return c;
  }

  /** The certificate the server presents to a client sending {@code name} by SNI (null: none). */
  private static X509Certificate served(Server server, String name) throws Exception {
    try (SSLSocket socket = connect(server, name, trustAll(null))) {
      return peer(socket);
    }
  }

  private static X509Certificate peer(SSLSocket socket) throws IOException {
    socket.startHandshake();
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  private static List<String> dnsNames(X509Certificate cert) throws Exception {
    return cert.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2)
        .map(n -> (String) n.get(1)).toList();
  }

  /** A TLS socket sending {@code name} by SNI (null: no SNI), offering {@code alpn} if any. */
  private static SSLSocket connect(Server server, String name, SSLContext context, String... alpn) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.tlsPort().getAsInt());
    SSLParameters p = socket.getSSLParameters();
    p.setServerNames(name == null ? List.<SNIServerName>of() : List.<SNIServerName>of(new SNIHostName(name)));
    if (alpn.length > 0) {
      p.setApplicationProtocols(alpn);
    }
    socket.setSSLParameters(p);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** One keep-alive GET; the whole answer (head and body), or "" if the connection closed first. */
  private static String get(SSLSocket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return read(socket.getInputStream());
  }

  private static String read(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c = 0;
    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
      head.append((char) c);
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
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
