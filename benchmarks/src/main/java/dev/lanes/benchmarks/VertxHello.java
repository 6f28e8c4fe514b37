package dev.lanes.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.internal.tls.SelfSignedCertificate;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.transport.Transport;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;

/**
 * The Vert.x 5 competitor for {@code benchmarks/wrk.sh}: the same two hello routes on Vert.x core's
 * {@code HttpServer}, deployed as {@code availableProcessors} verticle instances on as many event
 * loops (what Lanes' server uses), native transport preferred (epoll on Linux; io_uring with
 * {@code -Dvertx.hello.transport=io_uring}). Same response headers as Lanes
 * ({@code Content-Type}, {@code Content-Length}, {@code Date}); {@code /json} is serialised per
 * request with Jackson, as the Lanes demo does.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.lanes.benchmarks.VertxHello [port] [core|web|tls]}
 * (port default 8082, binds 127.0.0.1; {@code web} routes through vertx-web's {@link Router}
 * instead of a bare request handler; {@code tls} serves the core handler over TLS with ALPN
 * {@code h2} and {@code http/1.1}, OpenSSL engine (as Lanes picks when tcnative is present) and a
 * self-signed EC P-256 certificate made at start, as the Lanes demo's; default {@code core}).
 */
public final class VertxHello {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Buffer PLAINTEXT = Buffer.buffer("Hello, World!");
  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private VertxHello() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8082;
    boolean web = args.length > 1 && args[1].equals("web");
    boolean tls = args.length > 1 && args[1].equals("tls");
    int loops = Runtime.getRuntime().availableProcessors();
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true);
    // -Dvertx.hello.transport=io_uring: Vert.x's native transport on Linux is epoll unless named.
    Vertx vertx = "io_uring".equals(System.getProperty("vertx.hello.transport"))
        ? Vertx.builder().with(options).withTransport(Transport.IO_URING).build()
        : Vertx.vertx(options);
    SelfSignedCertificate cert = tls ? SelfSignedCertificate.generate("localhost", Duration.ofDays(90)) : null;
    vertx.deployVerticle(() -> new Hello(port, web, cert), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("VertxHello listening on 127.0.0.1:" + port + " ("
            + (vertx.isNativeTransportEnabled() ? "native " + System.getProperty("vertx.hello.transport", "(epoll on Linux)") : "nio") + ", " + loops + " instances, "
            + (web ? "vertx-web Router" : "core handler") + (tls ? ", TLS with ALPN h2, OpenSSL" : "") + ")"))
        .onFailure(e -> {
          System.err.println("VertxHello failed to start: " + e);
          System.exit(1);
        });
  }

  /** One instance per event loop; they share the listening socket. */
  static final class Hello extends VerticleBase {
    private final int port;
    private final boolean web;
    private final SelfSignedCertificate tls;

    Hello(int port, boolean web, SelfSignedCertificate tls) {
      this.port = port;
      this.web = web;
      this.tls = tls;
    }

    @Override
    public Future<?> start() {
      var options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
          .setTcpNoDelay(true).setAcceptBacklog(4096);
      if (tls != null) {
        options.setSsl(true).setUseAlpn(true).setSslEngineOptions(new OpenSSLEngineOptions())
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(tls.certificatePem()))
                .setKeyValue(Buffer.buffer(tls.privateKeyPem())));
      }
      var server = vertx.createHttpServer(options);
      if (web) {
        Router router = Router.router(vertx);
        router.get("/plaintext").handler(rc -> plaintext(rc.request()));
        router.get("/json").handler(rc -> json(rc.request()));
        server.requestHandler(router);
      } else {
        server.requestHandler(req -> {
          switch (req.path()) {
            case "/plaintext" -> plaintext(req);
            case "/json" -> json(req);
            default -> req.response().setStatusCode(404).end("Not Found");
          }
        });
      }
      return server.listen();
    }

    private static void plaintext(HttpServerRequest req) {
      req.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN)
          .putHeader(HttpHeaders.DATE, RawNettyHello.Dates.now())
          .end(PLAINTEXT);
    }

    private static void json(HttpServerRequest req) {
      byte[] body;
      try {
        body = MAPPER.writeValueAsBytes(Map.of("message", "Hello, World!"));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        req.response().setStatusCode(500).end();
        return;
      }
      req.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .putHeader(HttpHeaders.DATE, RawNettyHello.Dates.now())
          .end(Buffer.buffer(body));
    }
  }
}
