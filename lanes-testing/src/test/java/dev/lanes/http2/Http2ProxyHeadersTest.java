package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.HttpsRedirect;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.middleware.TrustedHost;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Over HTTP/2 :authority stands for Host; a trusted proxy's forwarded host replaces it as it replaces Host. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2ProxyHeadersTest {
  @Test
  void theForwardedHostReplacesTheAuthorityAndIsCheckedAndRedirectedTo() throws Exception {
    App app = App.builder()
        .middleware(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true))
        .middleware(TrustedHost.of("shop.example", "app.internal"))
        .middleware(HttpsRedirect.toDefaultPort())
        .get("/who", req -> Response.text(req.scheme() + " " + req.host().orElse("?")))
        .build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream tls = client.open(H2Client.request("GET", "/who").authority("app.internal")
          .add("x-forwarded-proto", "https").add("x-forwarded-host", "shop.example"), null, true);
      assertThat(tls.text()).isEqualTo("https shop.example");
      H2Client.Stream plain = client.open(H2Client.request("GET", "/who?x=1").authority("app.internal")
          .add("x-forwarded-host", "shop.example:8080"), null, true);
      assertThat(plain.status()).isEqualTo(308);
      assertThat(plain.headers.get(10, TimeUnit.SECONDS).get("location").toString()).isEqualTo("https://shop.example/who?x=1");
      H2Client.Stream evil = client.open(H2Client.request("GET", "/who").authority("app.internal")
          .add("x-forwarded-proto", "https").add("x-forwarded-host", "evil.example"), null, true);
      assertThat(evil.status()).isEqualTo(400);
      H2Client.Stream none = client.open(H2Client.request("GET", "/who").authority("app.internal")
          .add("x-forwarded-proto", "https").add("x-forwarded-host", ":443"), null, true);
      assertThat(none.text()).as("no name: the :authority stays").isEqualTo("https app.internal");
    }
  }

  @Test
  void severalForwardedForFieldsAreOneListInOrder() throws Exception {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1", "10.0.0.0/8"))
        .get("/who", req -> Response.text(req.remoteAddress().map(a -> a.getAddress().getHostAddress()).orElse("?")))
        .build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream s = client.open(H2Client.request("GET", "/who").authority("app.internal")
          .add("x-forwarded-for", "198.51.100.9").add("x-forwarded-for", "203.0.113.7, 10.1.2.3"), null, true);
      assertThat(s.text()).isEqualTo("203.0.113.7");
    }
  }

  @Test
  void theAppsRootPathRoutesAndAForwardedPrefixBuildsUrlsOverHttp2() throws Exception {
    App app = App.builder().rootPath("/api")
        .middleware(ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true))
        .route("GET", "/items/{id}", RouteOptions.defaults().name("item"),
            (BlockingHandler) req -> Response.text(req.urlFor("item", Map.of("id", "1"))))
        .build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream prefixed = client.open(H2Client.request("GET", "/api/items/5").authority("app.internal"), null, true);
      assertThat(prefixed.text()).isEqualTo("http://app.internal/api/items/1");
      H2Client.Stream stripped = client.open(H2Client.request("GET", "/items/5").authority("app.internal")
          .add("x-forwarded-prefix", "/shop"), null, true);
      assertThat(stripped.text()).isEqualTo("http://app.internal/shop/items/1");
    }
  }
}
