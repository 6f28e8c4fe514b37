package dev.lanes.http2;

import static dev.lanes.server.TrustingTls.trustAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.server.Tls;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 over TLS chosen by ALPN, on each server engine, with the JDK's HttpClient and Netty's
 * client: ALPN picks h2 (http/1.1 and no ALPN still get HTTP/1.1), every handler and body kind
 * works per stream as over h2c, a reset cancels a blocking handler, reload reaches new h2
 * connections, shutdown sends GOAWAY and drains, a connection past {@code maxConnections} is
 * refused with GOAWAY, the h2c entry points stay off the TLS port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class H2TlsTest {
  private static final byte[] BIG = bytes(1 << 20);
  @TempDir
  Path dir;

  static List<Tls.Engine> engines() {
    return OpenSsl.isAvailable() ? List.of(Tls.Engine.JDK, Tls.Engine.OPENSSL) : List.of(Tls.Engine.JDK);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private App app(Path file, CountDownLatch hangStarted, CountDownLatch hangInterrupted) {
    return App.builder()
        .lane(Lane.builder("work").capacity(1).maxWaiting(0))
        .getAsync("/async", req -> CompletableFuture.completedFuture(Response.text("async over " + req.scheme())))
        .get("/blocking", req -> Response.text("blocking on " + Thread.currentThread().getName()))
        .post("/echo", req -> Response.bytes(req.body(), "application/octet-stream"))
        .get("/written", req -> StreamingResponse.writer(out -> {
          for (int i = 0; i < BIG.length; i += 8192) {
            out.write(BIG, i, 8192);
          }
        }, "application/octet-stream"))
        .get("/sse", req -> EventSourceResponse.of(
            IntStream.range(0, 3).mapToObj(i -> ServerSentEvent.of("event " + i)).iterator()))
        .get("/file", req -> FileResponse.of(req, file))
        .route("GET", "/hang", "work", req -> {
          hangStarted.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            hangInterrupted.countDown();
          }
          return Response.text("never");
        })
        .route("GET", "/quick", "work", req -> Response.text("quick"))
        .build();
  }

  private App app() throws IOException {
    return app(Files.write(dir.resolve("data.bin"), BIG), new CountDownLatch(1), new CountDownLatch(1));
  }

  private static Server start(App app, Tls tls) {
    return start(app, tls, ServerConfig.builder());
  }

  private static Server start(App app, Tls tls, ServerConfig.Builder config) {
    return Server.start(app, config.port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(2)).build());
  }

  private static URI https(Server server, String path) {
    return URI.create("https://127.0.0.1:" + server.tlsPort().getAsInt() + path);
  }

  private static HttpClient client(HttpClient.Version version) throws Exception {
    return HttpClient.newBuilder().sslContext(trustAll()).version(version).build();
  }

  private static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void alpnPicksH2AndHttp11OrNoAlpnStillGetHttp11(Tls.Engine engine) throws Exception {
    try (App app = app(); Server server = start(app, Tls.selfSigned("localhost").engine(engine))) {
      HttpResponse<byte[]> h2 = send(client(HttpClient.Version.HTTP_2), HttpRequest.newBuilder(https(server, "/async")));
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(text(h2)).isEqualTo("async over https");
      HttpResponse<byte[]> h1 = send(client(HttpClient.Version.HTTP_1_1), HttpRequest.newBuilder(https(server, "/async")));
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(text(h1)).isEqualTo("async over https");
      try (SSLSocket offersBoth = connect(server, "h2", "http/1.1")) {
        offersBoth.startHandshake();
        assertThat(offersBoth.getApplicationProtocol()).isEqualTo("h2");
      }
      try (SSLSocket http11 = connect(server, "http/1.1")) {
        assertThat(get(http11, "/async")).startsWith("HTTP/1.1 200").endsWith("async over https");
        assertThat(http11.getApplicationProtocol()).isEqualTo("http/1.1");
      }
      try (SSLSocket none = connect(server)) {
        assertThat(get(none, "/async")).startsWith("HTTP/1.1 200").endsWith("async over https");
        assertThat(none.getApplicationProtocol()).isEmpty();
      }
      try (H2Client netty = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
        assertThat(netty.protocol()).isEqualTo("h2");
        assertThat(netty.get("/async").text()).isEqualTo("async over https");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void everyHandlerAndBodyKindWorksPerStream(Tls.Engine engine) throws Exception {
    try (App app = app(); Server server = start(app, Tls.selfSigned("localhost").engine(engine))) {
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      HttpResponse<byte[]> blocking = send(h2, HttpRequest.newBuilder(https(server, "/blocking")));
      assertThat(blocking.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(text(blocking)).startsWith("blocking on lane-endpoints");
      byte[] body = bytes(200_000); // past a window: the server returns credit as it buffers
      assertThat(send(h2, HttpRequest.newBuilder(https(server, "/echo"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))).body()).isEqualTo(body);
      HttpResponse<byte[]> written = send(h2, HttpRequest.newBuilder(https(server, "/written")));
      assertThat(written.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(written.body()).isEqualTo(BIG);
      assertThat(text(send(h2, HttpRequest.newBuilder(https(server, "/sse"))))).contains("data: event 0", "data: event 2");
      // Files go in chunks under flow control, through the engine.
      HttpResponse<byte[]> file = send(h2, HttpRequest.newBuilder(https(server, "/file")));
      assertThat(file.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(file.body()).isEqualTo(BIG);
      HttpResponse<byte[]> range = send(h2, HttpRequest.newBuilder(https(server, "/file")).header("Range", "bytes=10-19"));
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(BIG, 10, 20));
      // Many streams side by side on one connection.
      try (H2Client netty = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
        List<H2Client.Stream> streams = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
          streams.add(netty.get(i % 2 == 0 ? "/async" : "/blocking"));
        }
        for (int i = 0; i < 40; i++) {
          assertThat(streams.get(i).text()).startsWith(i % 2 == 0 ? "async over https" : "blocking on");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aResetCancelsABlockingHandlerAndReturnsItsToken(Tls.Engine engine) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    try (App app = app(dir, started, interrupted); Server server = start(app, Tls.selfSigned("localhost").engine(engine));
        H2Client client = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
      H2Client.Stream hang = client.get("/hang");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(client.get("/quick").status()).as("the lane's only token is taken").isEqualTo(503);
      hang.reset(Http2Error.CANCEL);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
      Await.until(() -> app.lanes().get("work").statistics().borrowed() == 0, "token returned");
      assertThat(client.get("/quick").text()).isEqualTo("quick");
      assertThat(hang.headers).isNotDone();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void reloadGivesNewH2ConnectionsTheNewCertificateWhileOpenOnesGoOn(Tls.Engine engine) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    SelfSignedCertificate first = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    write(first, cert, key);
    try (App app = app(); Server server = start(app, Tls.pem(cert, key).engine(engine))) {
      HttpClient before = client(HttpClient.Version.HTTP_2);
      HttpResponse<byte[]> r1 = send(before, HttpRequest.newBuilder(https(server, "/async")));
      assertThat(r1.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r1.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(first.certificate());
      SelfSignedCertificate second = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
      write(second, cert, key);
      server.reloadTls();
      HttpResponse<byte[]> r2 = send(client(HttpClient.Version.HTTP_2), HttpRequest.newBuilder(https(server, "/async")));
      assertThat(r2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r2.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(second.certificate());
      HttpResponse<byte[]> again = send(before, HttpRequest.newBuilder(https(server, "/async")));
      assertThat(again.sslSession().orElseThrow().getPeerCertificates()[0]).as("the open connection").isEqualTo(first.certificate());
      assertThat(text(again)).isEqualTo("async over https");
    }
  }

  @Test
  void closeSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/work", req -> {
          started.countDown();
          release.await();
          return Response.text("finished over " + req.scheme());
        })
        .build();
    Server server = start(app, Tls.selfSigned("localhost"), ServerConfig.builder().shutdownGrace(Duration.ofSeconds(20)));
    try (H2Client client = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
      GracefulClose.check(server, client, started, release, "finished over https");
    } finally {
      release.countDown();
      server.close();
      app.close();
    }
  }

  @Test
  void http2OffOffersOnlyHttp11() throws Exception {
    try (App app = app(); Server server = start(app, Tls.selfSigned("localhost").http2(false))) {
      HttpResponse<byte[]> r = send(client(HttpClient.Version.HTTP_2), HttpRequest.newBuilder(https(server, "/async")));
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(text(r)).isEqualTo("async over https");
      try (SSLSocket socket = connect(server, "h2", "http/1.1")) {
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
      }
    }
  }

  @Test
  void theH2cEntryPointsAreNotOnTheTlsPort() throws Exception {
    try (App app = app(); Server server = start(app, Tls.selfSigned("localhost"), ServerConfig.builder().h2c(true))) {
      // The HTTP/2 preface on an http/1.1 TLS connection is a bad HTTP/1.1 request, not h2c.
      try (SSLSocket socket = connect(server, "http/1.1")) {
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 505");
      }
      // Upgrade: h2c over TLS is served as HTTP/1.1, never switched.
      try (SSLSocket socket = connect(server, "http/1.1")) {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /async HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(read(socket)).startsWith("HTTP/1.1 200").endsWith("async over https");
      }
      // The cleartext port still has them.
      HttpResponse<byte[]> h2c = send(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(),
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/async")));
      assertThat(h2c.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
  }

  @Test
  void pastMaxConnectionsH2GetsGoAwayRefusedStreamAndHttp11A503() throws Exception {
    try (App app = app(); Server server = start(app, Tls.selfSigned("localhost"), ServerConfig.builder().maxConnections(1));
        H2Client first = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
      assertThat(first.get("/async").text()).isEqualTo("async over https");
      try (H2Client second = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK)) {
        assertThat(second.protocol()).isEqualTo("h2");
        var goAway = second.goAway.get(10, TimeUnit.SECONDS);
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
        assertThat(goAway.lastStreamId()).isZero();
        goAway.release();
        second.closed().get(10, TimeUnit.SECONDS);
      }
      try (SSLSocket http11 = connect(server, "http/1.1")) {
        assertThat(read(http11)).as("HTTP/1.1 after the handshake").startsWith("HTTP/1.1 503");
      }
      assertThat(first.get("/async").text()).as("the admitted connection goes on").isEqualTo("async over https");
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void h2ByAlpnPerServerNameWithEachNamesCertificate(Tls.Engine engine) throws Exception {
    Tls tls = Tls.selfSigned("default.test").engine(engine)
        .serverName("api.example.com", Tls.selfSigned("api.example.com"))
        .serverName("*.example.com", Tls.selfSigned("any.example.com"));
    try (App app = app(); Server server = start(app, tls)) {
      // The JDK client sends no SNI for localhost: the default.
      String[][] served = {{"api.example.com", "api.example.com"}, {"www.example.com", "any.example.com"},
          {"other.test", "default.test"}, {"localhost", "default.test"}};
      for (String[] nameAndCertificate : served) {
        for (SslProvider client : List.of(SslProvider.JDK, SslProvider.OPENSSL)) {
          if (client == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            continue;
          }
          try (H2Client h2 = H2Client.connectTls(server.tlsPort().getAsInt(), client, nameAndCertificate[0])) {
            assertThat(h2.protocol()).isEqualTo("h2");
            X509Certificate peer = (X509Certificate) h2.tls.engine().getSession().getPeerCertificates()[0];
            assertThat(peer.getSubjectX500Principal().getName()).as(nameAndCertificate[0] + " " + client)
                .isEqualTo("CN=" + nameAndCertificate[1]);
            assertThat(h2.get("/async").text()).isEqualTo("async over https");
          }
        }
      }
    }
  }

  @Test
  void pastMaxConnectionsANamedH2ClientGetsGoAwayRefusedStream() throws Exception {
    Tls tls = Tls.selfSigned("default.test").serverName("api.example.com", Tls.selfSigned("api.example.com"));
    try (App app = app(); Server server = start(app, tls, ServerConfig.builder().maxConnections(1));
        H2Client first = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK, "api.example.com")) {
      assertThat(first.get("/async").text()).isEqualTo("async over https");
      try (H2Client second = H2Client.connectTls(server.tlsPort().getAsInt(), SslProvider.JDK, "api.example.com")) {
        assertThat(second.protocol()).isEqualTo("h2");
        var goAway = second.goAway.get(10, TimeUnit.SECONDS);
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
        goAway.release();
        second.closed().get(10, TimeUnit.SECONDS);
      }
      assertThat(first.get("/async").text()).as("the admitted connection goes on").isEqualTo("async over https");
    }
  }

  private static void write(SelfSignedCertificate c, Path cert, Path key) throws IOException {
    Files.writeString(cert, c.certificatePem());
    Files.writeString(key, c.privateKeyPem());
  }

  /** A TLS socket to the server offering {@code protocols} by ALPN (none: no ALPN extension). */
  private static SSLSocket connect(Server server, String... protocols) throws Exception {
    SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort().getAsInt());
    if (protocols.length > 0) {
      SSLParameters p = socket.getSSLParameters();
      p.setApplicationProtocols(protocols);
      socket.setSSLParameters(p);
    }
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static String get(SSLSocket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return read(socket);
  }

  /** One HTTP/1.1 answer with a Content-Length body: head and body. */
  private static String read(SSLSocket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    int c;
    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
      head.append((char) c);
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
