package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Middleware;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code X-Forwarded-Prefix} ({@code forwardedPrefix}) and {@code X-Forwarded-Port}
 * ({@code forwardedPort}) from trusted proxies, over real sockets from 127.0.0.1: opt-in, checked,
 * and carried into the URLs a request builds.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyHeadersPrefixTest {
  private static TestClient serve(String rootPath, Middleware... middleware) {
    App.Builder app = App.builder().rootPath(rootPath)
        .route("GET", "/items/{id}", RouteOptions.defaults().name("read_item"),
            (BlockingHandler) req -> Response.text(req.urlFor("read_item", Map.of("id", "7")) + " [" + req.rootPath() + "]"))
        .get("/dir/", req -> Response.text("dir"));
    for (Middleware m : middleware) {
      app.middleware(m);
    }
    return TestClient.start(app.build());
  }

  private static RawResponse raw(TestClient c, String target, String headers) {
    try (RawClient raw = RawClient.connect(c.port())) {
      return raw.send("GET " + target + " HTTP/1.1\r\nHost: app.internal\r\n" + headers + "\r\n").read();
    }
  }

  @Test
  void aTrustedProxysPrefixIsInTheUrlsBuilt() {
    try (TestClient c = serve("", ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true));
        TestClient f = serve("", ProxyHeaders.forwarded("127.0.0.1").forwardedHost(true).forwardedPrefix(true))) {
      assertThat(raw(c, "/items/1", "X-Forwarded-Prefix: /shop/v1/\r\n").text())
          .isEqualTo("http://app.internal/shop/v1/items/7 [/shop/v1]");
      // Forwarded has no prefix of its own: X-Forwarded-Prefix is read beside it.
      assertThat(raw(f, "/items/1", "Forwarded: for=203.0.113.7;proto=https;host=shop.example\r\nX-Forwarded-Prefix: /shop\r\n").text())
          .isEqualTo("https://shop.example/shop/items/7 [/shop]");
      // The nearest proxy's, the last of a list.
      assertThat(raw(c, "/items/1", "X-Forwarded-Prefix: /outer\r\nX-Forwarded-Prefix: /a, /b\r\n").text())
          .isEqualTo("http://app.internal/b/items/7 [/b]");
      // The slash redirect goes back under the prefix the proxy stripped.
      assertThat(raw(c, "/dir", "X-Forwarded-Prefix: /shop\r\n").header("location")).hasValue("/shop/dir/");
    }
  }

  @Test
  void thePrefixIsIgnoredUnlessSwitchedOnOrFromAnUntrustedPeer() {
    try (TestClient off = serve("/app", ProxyHeaders.xForwarded("127.0.0.1"));
        TestClient untrusted = serve("/app", ProxyHeaders.xForwarded("10.0.0.1").forwardedPrefix(true))) {
      assertThat(raw(off, "/items/1", "X-Forwarded-Prefix: /evil\r\n").text())
          .isEqualTo("http://app.internal/app/items/7 [/app]");
      assertThat(raw(untrusted, "/items/1", "X-Forwarded-Prefix: /evil\r\n").text())
          .isEqualTo("http://app.internal/app/items/7 [/app]");
    }
  }

  @Test
  void aForwardedPrefixReplacesTheAppsAndSlashSaysNone() {
    try (TestClient c = serve("/app", ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true))) {
      assertThat(raw(c, "/items/1", "X-Forwarded-Prefix: /ext\r\n").text()).isEqualTo("http://app.internal/ext/items/7 [/ext]");
      assertThat(raw(c, "/items/1", "X-Forwarded-Prefix: /\r\n").text()).isEqualTo("http://app.internal/items/7 []");
    }
  }

  /** A value that is no URL path is ignored, as a bad forwarded host is: the app's own root path stays. */
  @Test
  void aBadPrefixIsIgnored() {
    try (TestClient c = serve("/app", ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true))) {
      for (String bad : new String[] {"shop", "//evil.example", "/a/../..", "/a/%2E%2e/b", "/a%2Fb", "/a%0d%0aSet-Cookie:%20x=1",
          "/a%0", "/a%zz", "/a b", "/a\"><script>", "/a?x", "/a#x", "/a\\b"}) {
        RawResponse r = raw(c, "/items/1", "X-Forwarded-Prefix: " + bad + "\r\n");
        assertThat(r.status()).as(bad).isEqualTo(200);
        assertThat(r.text()).as(bad).isEqualTo("http://app.internal/app/items/7 [/app]");
      }
    }
  }

  @Test
  void theForwardedPortIsTheHostsPortWhenSwitchedOn() {
    try (TestClient c = serve("", ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true).forwardedPort(true));
        TestClient off = serve("", ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true))) {
      assertThat(raw(c, "/items/1", "X-Forwarded-Host: shop.example\r\nX-Forwarded-Port: 8443\r\nX-Forwarded-Proto: https\r\n").text())
          .isEqualTo("https://shop.example:8443/items/7 []");
      // It replaces a port the host names, and the scheme's default port is left out.
      assertThat(raw(c, "/items/1", "X-Forwarded-Host: shop.example:9000\r\nX-Forwarded-Port: 443\r\nX-Forwarded-Proto: https\r\n").text())
          .isEqualTo("https://shop.example/items/7 []");
      assertThat(raw(c, "/items/1", "X-Forwarded-Port: 8080\r\n").text()).isEqualTo("http://app.internal:8080/items/7 []");
      assertThat(raw(c, "/items/1", "X-Forwarded-Host: [2001:db8::1]:1\r\nX-Forwarded-Port: 8080\r\n").text())
          .isEqualTo("http://[2001:db8::1]:8080/items/7 []");
      for (String bad : new String[] {"0", "65536", "99999999", "80a", "-1", "+80"}) {
        assertThat(raw(c, "/items/1", "X-Forwarded-Port: " + bad + "\r\n").text()).as(bad)
            .isEqualTo("http://app.internal/items/7 []");
      }
      assertThat(raw(off, "/items/1", "X-Forwarded-Port: 8080\r\n").text()).isEqualTo("http://app.internal/items/7 []");
    }
  }

  @Test
  void httpsRedirectKeepsThePrefix() {
    try (TestClient c = serve("", ProxyHeaders.xForwarded("127.0.0.1").forwardedPrefix(true), HttpsRedirect.toDefaultPort())) {
      RawResponse r = raw(c, "/items/1?q=1", "X-Forwarded-Prefix: /shop\r\n");
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).hasValue("https://app.internal/shop/items/1?q=1");
    }
  }
}
