package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.App;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.routing.Middleware;
import dev.lanes.server.Ipv6Loopback;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Request.url()} and {@code baseUrl()} (Starlette's {@code request.url} and
 * {@code request.base_url}) over real sockets, each case checked side by side against Starlette
 * 1.7 under uvicorn 0.54 (the table in docs/routing.md): the host as sent or the server's own
 * address, the path as a URL names it, the query as received, the root path, a trusted proxy's
 * scheme, host and prefix.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestUrlTest {
  /** Answers every request, routed or not ({@code OPTIONS *} too), with its url and base url. */
  private static final Middleware ECHO =
      next -> req -> CompletableFuture.completedFuture(Response.text(req.url() + "|" + req.baseUrl()));

  /** The body of the answer to one request on a new connection. */
  private static String urls(InetSocketAddress address, String head) {
    RawClient.Transcript t = RawClient.exchange(address, head + "Connection: close\r\n\r\n");
    assertThat(t.responses()).as(head).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(200));
    String urls = t.responses().get(0).text();
    // the base url always parses as a URI (host and root path were checked as they arrived)
    String base = urls.substring(urls.lastIndexOf('|') + 1);
    assertThat(URI.create(base).getRawPath()).as(base).endsWith("/");
    return urls;
  }

  private static String urls(int port, String head) {
    return urls(new InetSocketAddress("127.0.0.1", port), head);
  }

  private static String get(int port, String target, String host) {
    return urls(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
  }

  @Test
  void theHostIsTakenAsSentDefaultPortsIncluded() {
    try (TestClient c = TestClient.start(App.builder().middleware(ECHO).build())) {
      int p = c.port();
      String self = "127.0.0.1:" + p;
      assertThat(get(p, "/items/5?q=1", self)).isEqualTo("http://" + self + "/items/5?q=1|http://" + self + "/");
      // a default port as sent is kept, as Starlette keeps it; letter case as sent
      assertThat(get(p, "/x", "shop.example:80")).isEqualTo("http://shop.example:80/x|http://shop.example:80/");
      assertThat(get(p, "/x", "shop.example")).isEqualTo("http://shop.example/x|http://shop.example/");
      assertThat(get(p, "/x", "Shop.Example:8080")).isEqualTo("http://Shop.Example:8080/x|http://Shop.Example:8080/");
      assertThat(get(p, "/x", "my_host:8000")).isEqualTo("http://my_host:8000/x|http://my_host:8000/");
      // IPv6 literals as sent (Starlette does not compress them either)
      assertThat(get(p, "/x", "[::1]:8000")).isEqualTo("http://[::1]:8000/x|http://[::1]:8000/");
      assertThat(get(p, "/x", "[0:0:0:0:0:0:0:1]:8000")).startsWith("http://[0:0:0:0:0:0:0:1]:8000/x|");
      // an empty port's ':' is left out (RFC 3986 3.2.3); Starlette takes such a Host for invalid
      // and falls back to the server's address
      assertThat(get(p, "/x", "shop.example:")).isEqualTo("http://shop.example/x|http://shop.example/");
      // absolute form: its authority replaces Host (RFC 9112 3.2.2); uvicorn puts the whole target in the path
      assertThat(urls(p, "GET http://other.example:81/x?y=1 HTTP/1.1\r\nHost: " + self + "\r\n"))
          .isEqualTo("http://other.example:81/x?y=1|http://other.example:81/");
    }
  }

  @Test
  void aRequestWithoutAHostGetsTheServersOwnAddress() {
    try (TestClient c = TestClient.start(App.builder().middleware(ECHO).build())) {
      String self = "127.0.0.1:" + c.port();
      assertThat(urls(c.port(), "GET /x?a=1 HTTP/1.0\r\n")).isEqualTo("http://" + self + "/x?a=1|http://" + self + "/");
    }
  }

  @Test
  void aRequestWithoutAHostToAServerOnTheIpv6LoopbackGetsItsBracketedAddress() {
    assumeTrue(Ipv6Loopback.available(), "this machine cannot bind the IPv6 loopback (::1)");
    try (Server server = Server.start(App.builder().middleware(ECHO).build(),
        ServerConfig.builder().host("::1").port(0).build())) {
      String self = "[::1]:" + server.port();
      assertThat(urls(new InetSocketAddress("::1", server.port()), "GET /x HTTP/1.0\r\n"))
          .isEqualTo("http://" + self + "/x|http://" + self + "/");
    }
  }

  /**
   * The path is {@code encodedPath()}: the decoded path percent-encoded again, so escapes come out
   * upper-case and an escaped character a path may hold as it is ({@code %41}, {@code %3B},
   * {@code %2F}) comes out unescaped, as Starlette's url holds the decoded path; where Starlette
   * writes it decoded ({@code /café/a b/?#}), a URL whose {@code ?} starts a query, Lanes keeps
   * it a URL. The query is as received, to the byte.
   */
  @Test
  void thePathIsReEncodedAndTheQueryKeptAsReceived() {
    try (TestClient c = TestClient.start(App.builder().middleware(ECHO).build())) {
      int p = c.port();
      String origin = "http://127.0.0.1:" + p;
      String self = "127.0.0.1:" + p;
      assertThat(get(p, "/caf%C3%A9/a%20b/%3F%23/%25/a%2Fb/%41;x=%3B?q=%C3%A9&r=a+b%20c&s=%2F", self))
          .isEqualTo(origin + "/caf%C3%A9/a%20b/%3F%23/%25/a/b/A;x=;?q=%C3%A9&r=a+b%20c&s=%2F|" + origin + "/");
      assertThat(get(p, "/caf%c3%a9", self)).startsWith(origin + "/caf%C3%A9|");
      assertThat(get(p, "/a[b]", self)).startsWith(origin + "/a[b]|");
      // what browsers send unencoded in a query, and a '%' that starts no escape: kept as sent
      String raw = get(p, "/x?a=|{}^`[]&b='&c=50%&d=%zz", self);
      assertThat(raw).startsWith(origin + "/x?a=|{}^`[]&b='&c=50%&d=%zz|");
      // why a String and not a URI: java.net.URI refuses such a query
      assertThatThrownBy(() -> new URI(raw.substring(0, raw.lastIndexOf('|')))) // the base url has no '|'
          .isInstanceOf(java.net.URISyntaxException.class);
      // an empty query leaves no '?'
      assertThat(get(p, "/x?", self)).startsWith(origin + "/x|");
      // OPTIONS *: the target URI has an empty path (RFC 9112 3.3); Starlette writes .../*
      assertThat(urls(p, "OPTIONS * HTTP/1.1\r\nHost: " + self + "\r\n")).isEqualTo(origin + "|" + origin + "/");
    }
  }

  /**
   * With an app-level root path the url names the path where the client reached it: under the
   * prefix whether the proxy stripped it or passed it on (uvicorn's {@code --root-path} prepends
   * it to a path that already has it, {@code /api/api/items/5}; FastAPI's {@code root_path}
   * leaves a stripped path without it, {@code /items/5}); the base url ends in the prefix and a
   * {@code /}, as both of theirs.
   */
  @Test
  void underARootPathTheUrlIsWhereTheClientReachedIt() {
    try (TestClient c = TestClient.start(App.builder().rootPath("/api").middleware(ECHO).build())) {
      int p = c.port();
      String origin = "http://127.0.0.1:" + p;
      String self = "127.0.0.1:" + p;
      String base = "|" + origin + "/api/";
      assertThat(get(p, "/items/5?q=1", self)).isEqualTo(origin + "/api/items/5?q=1" + base);
      assertThat(get(p, "/api/items/5?q=1", self)).isEqualTo(origin + "/api/items/5?q=1" + base);
      assertThat(get(p, "/api", self)).isEqualTo(origin + "/api" + base);
      assertThat(get(p, "/apix", self)).isEqualTo(origin + "/api/apix" + base); // not under /api: stripped
    }
  }

  /**
   * Behind a trusted proxy: {@code X-Forwarded-Proto} gives the scheme, as uvicorn's
   * {@code --proxy-headers} does, the host staying the request's own ({@code :443} as sent; none:
   * the server's address and port); {@code X-Forwarded-Host}, {@code -Port} and {@code -Prefix},
   * which uvicorn does not read, when switched on.
   */
  @Test
  void behindATrustedProxyTheForwardedSchemeHostPortAndPrefixCount() {
    App app = App.builder()
        .middleware(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true).forwardedPort(true).forwardedPrefix(true))
        .middleware(ECHO)
        .build();
    try (TestClient c = TestClient.start(app)) {
      int p = c.port();
      String self = "127.0.0.1:" + p;
      String https = "X-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.7\r\n";
      assertThat(urls(p, "GET /x?q=1 HTTP/1.1\r\nHost: " + self + "\r\n" + https))
          .isEqualTo("https://" + self + "/x?q=1|https://" + self + "/");
      assertThat(urls(p, "GET /x HTTP/1.1\r\nHost: shop.example:443\r\n" + https))
          .isEqualTo("https://shop.example:443/x|https://shop.example:443/");
      assertThat(urls(p, "GET /x HTTP/1.0\r\n" + https)).isEqualTo("https://" + self + "/x|https://" + self + "/");
      assertThat(urls(p, "GET /caf%C3%A9?q=%C3%A9 HTTP/1.1\r\nHost: " + self + "\r\n" + https
          + "X-Forwarded-Host: shop.example\r\nX-Forwarded-Port: 443\r\nX-Forwarded-Prefix: /shop\r\n"))
          .isEqualTo("https://shop.example/shop/caf%C3%A9?q=%C3%A9|https://shop.example/shop/");
    }
  }

  @Test
  void aRequestBuiltByHandNeedsAHostOrALocalAddress() {
    Request named = Request.builder("GET", "/a b", "x=1").host("shop.example").rootPath("/api").build();
    assertThat(named.url()).isEqualTo("http://shop.example/api/a%20b?x=1");
    assertThat(named.baseUrl()).isEqualTo("http://shop.example/api/");
    Request local = Request.builder("GET", "/").scheme("https").localAddress(new InetSocketAddress("::1", 443)).build();
    assertThat(local.url()).isEqualTo("https://[::1]/");
    assertThat(local.baseUrl()).isEqualTo("https://[::1]/");
    Request none = Request.builder("GET", "/").build();
    assertThatThrownBy(none::url).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no host (no Host header) and no local address");
    assertThatThrownBy(none::baseUrl).isInstanceOf(IllegalStateException.class);
  }

}
