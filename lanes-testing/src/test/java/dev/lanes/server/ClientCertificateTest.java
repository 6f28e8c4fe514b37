package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import io.netty.handler.ssl.OpenSsl;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A handler sees who the client is: the certificate a client presented is on its request, over
 * HTTP/1.1 and HTTP/2, with each engine. Before, a server could require client certificates but
 * no handler could tell one client from another, and an optional one was invisible.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCertificateTest {
  @TempDir
  Path dir;

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  /** Answers with the client's subject, or "none", and the TLS protocol, or "plain". */
  private static App app() {
    return App.builder()
        .get("/who", req -> Response.text(req.clientCertificates().stream().findFirst()
            .map(c -> c.getSubjectX500Principal().getName()).orElse("none")
            + " " + req.tlsSession().map(s -> s.getProtocol()).orElse("plain")))
        .build();
  }

  private static Server start(App app, Tls tls) {
    return Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aRequiredClientCertificateIsOnTheRequestOverHttp1AndHttp2(Tls.Engine engine) throws Exception {
    SelfSignedCertificate client = SelfSignedCertificate.generate("alice", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), client.certificatePem());
    Tls tls = Tls.selfSigned("localhost").engine(engine).clientCertificates(Tls.ClientAuth.REQUIRED, trusted);
    try (App app = app(); Server server = start(app, tls)) {
      try (SSLSocket socket = (SSLSocket) trustAll(client).getSocketFactory()
          .createSocket("127.0.0.1", server.tlsPort().getAsInt())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(20_000);
        assertThat(get(socket, "/who")).endsWith("CN=alice TLSv1.3");
      }
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll(client)).build();
      HttpResponse<String> answer = h2.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.tlsPort().getAsInt() + "/who")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(answer.body()).startsWith("CN=alice TLSv1.");
    }
  }

  @Test
  void anOptionalCertificateNotSentAndPlainTcpGiveNone() throws Exception {
    SelfSignedCertificate client = SelfSignedCertificate.generate("alice", Duration.ofDays(1));
    Path trusted = Files.writeString(dir.resolve("clients.pem"), client.certificatePem());
    Tls tls = Tls.selfSigned("localhost").engine(Tls.Engine.JDK).clientCertificates(Tls.ClientAuth.OPTIONAL, trusted);
    try (App app = app(); Server server = start(app, tls)) {
      try (SSLSocket socket = (SSLSocket) trustAll(null).getSocketFactory()
          .createSocket("127.0.0.1", server.tlsPort().getAsInt())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(20_000);
        assertThat(get(socket, "/who")).endsWith("none TLSv1.3");
      }
      try (SSLSocket socket = (SSLSocket) trustAll(client).getSocketFactory()
          .createSocket("127.0.0.1", server.tlsPort().getAsInt())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setSoTimeout(20_000);
        assertThat(get(socket, "/who")).endsWith("CN=alice TLSv1.2");
      }
      HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/who")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(plain.body()).isEqualTo("none plain");
    }
  }

  /** One GET closing the connection; the whole answer, head and body. */
  private static String get(SSLSocket socket, String path) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
