package dev.lanes.server;

import static dev.lanes.server.TrustingTls.trustAll;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * A fresh JVM for {@link TlsRenegotiationTest}: starts a server with TLS configured one way
 * (args: {@code pem|keystore|selfsigned} and an engine) and prints the renegotiation property as
 * that left it, then starts a second one on the JDK's engine and prints whether it let a client
 * renegotiate.
 * The JDK reads the property once per JVM, at its first server handshake, so only a fresh JVM
 * shows what the first way of starting TLS did.
 */
public final class RenegotiationMain {
  private RenegotiationMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("renegotiation");
    SelfSignedCertificate self = SelfSignedCertificate.generate("localhost", Duration.ofDays(1));
    Tls first = switch (args[0]) {
      case "pem" -> Tls.pem(Files.writeString(dir.resolve("cert.pem"), self.certificatePem()),
          Files.writeString(dir.resolve("key.pem"), self.privateKeyPem()));
      case "keystore" -> {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", self.privateKey(), "secret".toCharArray(), new Certificate[] {self.certificate()});
        Path file = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
          ks.store(out, "secret".toCharArray());
        }
        yield Tls.keyStore(file, "secret");
      }
      case "selfsigned" -> Tls.selfSigned("localhost");
      default -> throw new IllegalArgumentException(args[0]);
    };
    first = first.engine(Tls.Engine.valueOf(args[1]));
    try (App app = App.builder().get("/hello", req -> Response.text("hello")).build();
        Server a = start(app, first)) {
      System.out.println("FIRST " + a.tlsEngine().orElseThrow());
      System.out.println("PROPERTY " + System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation"));
      try (Server b = start(app, Tls.selfSigned("localhost").engine(Tls.Engine.JDK))) {
        System.out.println("RENEGOTIATION " + (renegotiates(b) ? "accepted" : "refused"));
      }
    }
    System.exit(0);
  }

  private static Server start(App app, Tls tls) {
    return Server.start(app, ServerConfig.builder().port(0).tlsPort(0).tls(tls).stopOnSignal(false)
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  /** Whether a TLS 1.2 client that asks to renegotiate is still served afterwards. */
  private static boolean renegotiates(Server server) throws Exception {
    try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort().getAsInt())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setSoTimeout(20_000);
      if (!get(socket)) {
        throw new IllegalStateException("not served before renegotiating");
      }
      socket.startHandshake(); // TLS 1.2: asks the server to renegotiate
      return get(socket);
    } catch (IOException refused) {
      return false;
    }
  }

  /** One keep-alive GET /hello; whether its answer came whole. */
  private static boolean get(SSLSocket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder answer = new StringBuilder();
    for (int c; !answer.toString().endsWith("hello") && (c = in.read()) >= 0; ) {
      answer.append((char) c);
    }
    return answer.toString().endsWith("hello");
  }
}
