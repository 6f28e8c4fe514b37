package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.server.Tls;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpsRedirectTest {
  @Test
  void cleartextGets308ToTheTlsPortAndTlsIsServed() throws Exception {
    App app = App.builder().middleware(HttpsRedirect.toPort(8443))
        .post("/items/{id}", req -> Response.text("posted " + req.pathParams().get("id") + " over " + req.scheme()))
        .build();
    try (app; Server server = Server.start(app, ServerConfig.builder().port(0).tlsPort(0)
        .tls(Tls.selfSigned("localhost")).stopOnSignal(false).shutdownGrace(Duration.ofSeconds(2)).build())) {
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send("POST /items/a%20b?x=1 HTTP/1.1\r\nHost: shop.example:8000\r\n"
            + "Content-Length: 0\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(308); // 308 keeps the method and body, unlike 301
        assertThat(r.header("location")).contains("https://shop.example:8443/items/a%20b?x=1");
      }
      try (RawClient raw = RawClient.connect(server.port())) {
        // WebSocket URLs are ws: or wss: (RFC 6455 3): an upgrade is sent to wss, as Starlette does.
        RawResponse r = raw.send("GET /ws?room=1 HTTP/1.1\r\nHost: shop.example\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            .read();
        assertThat(r.status()).isEqualTo(308);
        assertThat(r.header("location")).contains("wss://shop.example:8443/ws?room=1");
      }
      SSLContext trustAll = dev.lanes.server.TrustingTls.trustAll();
      HttpResponse<String> tls = HttpClient.newBuilder().sslContext(trustAll).build().send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.tlsPort().getAsInt() + "/items/7"))
              .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(tls.statusCode()).isEqualTo(200);
      assertThat(tls.body()).isEqualTo("posted 7 over https");
    }
  }

  /**
   * A host set by other middleware ({@code Request.withHost}) is checked as a Host header is: one
   * without a name cannot be set, so no redirect to "https:///evil.example/x" (a browser would go
   * to evil.example) can be built from it.
   */
  @Test
  void aHostWithoutANameIsNotRedirectedTo() {
    App app = App.builder()
        .middleware(next -> req -> next.call(req.withHost(":443")))
        .middleware(HttpsRedirect.toDefaultPort())
        .get("/hi", req -> Response.text("hi")).build();
    try (dev.lanes.testing.TestClient c = dev.lanes.testing.TestClient.start(app);
        RawClient raw = RawClient.connect(c.port())) {
      RawResponse r = raw.send("GET /evil.example/x HTTP/1.1\r\nHost: app.internal\r\n\r\n").read();
      assertThat(r.status()).as("Location: %s", r.header("location")).isEqualTo(500);
      assertThat(r.header("location")).isEmpty();
    }
  }

  /**
   * {@code OPTIONS *} names the server, not a path: its target URI has an empty path (RFC 9112
   * 3.3), so its https one is {@code https://host[:port]}, without the root path. Appending the
   * {@code *} gave {@code https://shop.example*}, a URL of another host, {@code shop.example*}
   * (Starlette 1.7 sends {@code https://shop.example/*}, a path that is no resource either).
   */
  @Test
  void optionsAsteriskIsSentToTheHttpsServerWithAnEmptyPath() {
    Map<HttpsRedirect, String> expected = Map.of(
        HttpsRedirect.toDefaultPort(), "https://shop.example", HttpsRedirect.toPort(8443), "https://shop.example:8443");
    expected.forEach((redirect, location) -> {
      App app = App.builder().rootPath("/api").middleware(redirect).get("/hi", req -> Response.text("hi")).build();
      try (dev.lanes.testing.TestClient c = dev.lanes.testing.TestClient.start(app);
          RawClient raw = RawClient.connect(c.port())) {
        RawResponse r = raw.send("OPTIONS * HTTP/1.1\r\nHost: shop.example:8000\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(308);
        assertThat(r.header("location")).contains(location);
      }
    });
  }
}
