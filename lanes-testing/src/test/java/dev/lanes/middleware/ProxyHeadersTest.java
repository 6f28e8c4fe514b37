package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.Middleware;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client, scheme and host handlers see behind proxies, over real sockets from 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyHeadersTest {
  private static TestClient serve(Middleware... middleware) {
    App.Builder app = App.builder().get("/who", ProxyHeadersTest::who);
    for (Middleware m : middleware) {
      app.middleware(m);
    }
    return TestClient.start(app.build());
  }

  private static Response who(Request req) {
    return Response.text(describe(req));
  }

  private static String describe(Request req) {
    String client = req.remoteAddress().map(InetSocketAddress::getAddress).map(a -> a.getHostAddress()).orElse("?");
    return client + " " + req.scheme() + " " + req.host().orElse("?");
  }

  @Test
  void xForwardedFromATrustedPeerNamesTheFirstUntrustedHop() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1", "10.0.0.0/8").forwardedHost(true))) {
      String seen = c.send(c.request("/who")
          .header("X-Forwarded-For", "198.51.100.9, 203.0.113.7, 10.1.2.3")
          .header("X-Forwarded-Proto", "https")
          .header("X-Forwarded-Host", "shop.example")).text();
      // 10.1.2.3 is a trusted proxy; 203.0.113.7 is the client (what it claims further left is not trusted).
      assertThat(seen).isEqualTo("203.0.113.7 https shop.example");
    }
  }

  /**
   * The forwarded host is opt-in (uvicorn and Starlette ignore it, Werkzeug's ProxyFix and Django
   * need it switched on): a proxy that passes a client's X-Forwarded-Host on would let the client
   * choose what host() and redirects see.
   */
  @Test
  void theForwardedHostIsIgnoredUnlessSwitchedOn() {
    try (TestClient x = serve(ProxyHeaders.xForwarded("127.0.0.1"), HttpsRedirect.toDefaultPort());
        TestClient f = serve(ProxyHeaders.forwarded("127.0.0.1"))) {
      RawResponse r = raw(x, "/p", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Host: evil.example\r\n");
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).hasValue("https://app.internal/p");
      assertThat(raw(f, "/who", "Forwarded: for=203.0.113.7;proto=https;host=evil.example\r\n").text())
          .isEqualTo("203.0.113.7 https app.internal");
    }
    try (TestClient x = serve(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true));
        TestClient f = serve(ProxyHeaders.forwarded("127.0.0.1").forwardedHost(true))) {
      assertThat(raw(x, "/who", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Host: shop.example\r\n").text())
          .isEqualTo("203.0.113.7 http shop.example");
      assertThat(raw(f, "/who", "Forwarded: for=203.0.113.7;host=shop.example\r\n").text())
          .isEqualTo("203.0.113.7 http shop.example");
    }
  }

  @Test
  void headersFromAnUntrustedPeerAreIgnored() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("10.0.0.1"))) {
      String seen = c.send(c.request("/who").header("X-Forwarded-For", "203.0.113.7")
          .header("X-Forwarded-Proto", "https")).text();
      assertThat(seen).startsWith("127.0.0.1 http ");
    }
  }

  @Test
  void forwardedElementsGiveClientProtoAndHostOfTheHopThatSawTheClient() {
    try (TestClient c = serve(ProxyHeaders.forwarded("127.0.0.1", "10.0.0.0/8").forwardedHost(true))) {
      String seen = c.send(c.request("/who")
          .header("Forwarded", "for=\"[2001:db8::17]:4711\";proto=https;host=shop.example, for=10.0.0.5;proto=http")).text();
      assertThat(seen).isEqualTo("2001:db8:0:0:0:0:0:17 https shop.example");
    }
  }

  @Test
  void oneStyleAtATime() {
    try (TestClient forwarded = serve(ProxyHeaders.forwarded("127.0.0.1"));
        TestClient xForwarded = serve(ProxyHeaders.xForwarded("127.0.0.1"))) {
      assertThat(forwarded.send(forwarded.request("/who").header("X-Forwarded-For", "203.0.113.7")).text())
          .startsWith("127.0.0.1 ");
      assertThat(xForwarded.send(xForwarded.request("/who").header("Forwarded", "for=203.0.113.7")).text())
          .startsWith("127.0.0.1 ");
    }
  }

  @Test
  void namesAndGarbageAreNeverTakenForAddresses() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1"))) {
      assertThat(c.send(c.request("/who").header("X-Forwarded-For", "example.com")
          .header("X-Forwarded-Host", "evil.example/path")).text()).startsWith("? http 127.0.0.1:"); // client unknown, not the proxy
    }
    assertThatThrownBy(() -> ProxyHeaders.xForwarded("proxy.local")).hasMessageContaining("proxy.local");
    assertThatThrownBy(() -> ProxyHeaders.forwarded("10.0.0.0/33")).hasMessageContaining("prefix");
  }

  @Test
  void httpsRedirectBehindATrustedProxyFollowsTheForwardedScheme() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true), HttpsRedirect.toDefaultPort())) {
      assertThat(c.send(c.request("/who").header("X-Forwarded-Proto", "https")).status()).isEqualTo(200);
      var plain = c.send(c.request("/who?x=1").header("X-Forwarded-Host", "shop.example"));
      assertThat(plain.status()).isEqualTo(308);
      assertThat(plain.header("location")).contains("https://shop.example/who?x=1");
    }
  }

  /** A request written as it is, header lines in order (the JDK client would fold or refuse some). */
  private static RawResponse raw(TestClient c, String target, String headers) {
    try (RawClient raw = RawClient.connect(c.port())) {
      return raw.send("GET " + target + " HTTP/1.1\r\nHost: app.internal\r\n" + headers + "\r\n").read();
    }
  }

  @Test
  void aForwardedHostWithoutANameIsNotTakenSoNoRedirectLosesItsHost() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true), HttpsRedirect.toDefaultPort())) {
      // "https:///evil.example/x": a browser skips the extra slashes and goes to evil.example.
      RawResponse r = raw(c, "/evil.example/x", "X-Forwarded-Host: :443\r\n");
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).contains("https://app.internal/evil.example/x");
    }
    try (TestClient c = serve(ProxyHeaders.forwarded("127.0.0.1").forwardedHost(true))) {
      for (String bad : new String[] {":80", "a:b:c", "[::1", "[::1]x", "[]", "a.example:", "a.example:x", "a.example:99999"}) {
        String forwarded = "for=203.0.113.7;host=\"" + bad + "\"";
        assertThat(raw(c, "/who", "Forwarded: " + forwarded + "\r\n").text()).as(forwarded)
            .isEqualTo("203.0.113.7 http app.internal");
      }
      assertThat(raw(c, "/who", "Forwarded: for=203.0.113.7;host=\"[2001:db8::1]:8443\"\r\n").text())
          .isEqualTo("203.0.113.7 http [2001:db8::1]:8443");
    }
  }

  /**
   * RFC 7239 6: a proxy that does not know or hides its client writes {@code unknown} or an
   * obfuscated {@code _name}. That client is not the proxy that forwarded the request: an app
   * that trusts its proxy's address (127.0.0.1 beside nginx) must not see it as the client.
   */
  @Test
  void aClientTheProxiesDoNotNameIsUnknownNotTheProxy() {
    try (TestClient c = serve(ProxyHeaders.forwarded("127.0.0.1", "10.0.0.0/8"))) {
      assertThat(raw(c, "/who", "Forwarded: for=unknown;proto=https\r\n").text()).isEqualTo("? https app.internal");
      assertThat(raw(c, "/who", "Forwarded: for=\"_hidden:_port\"\r\n").text()).isEqualTo("? http app.internal");
      // The walk stops at the hidden hop: the address a client wrote further left is not taken.
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9, for=_hidden, for=10.0.0.5\r\n").text())
          .isEqualTo("? http app.internal");
      // The nearest proxy named no client (no for=): what the client wrote is not taken either.
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9, proto=https\r\n").text()).isEqualTo("? https app.internal");
      // No hop names a client at all: the proxy said only how the request came; the peer stays.
      assertThat(raw(c, "/who", "Forwarded: proto=https\r\n").text()).isEqualTo("127.0.0.1 https app.internal");
    }
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1"))) {
      assertThat(raw(c, "/who", "X-Forwarded-For: 198.51.100.9, unknown\r\n").text()).isEqualTo("? http app.internal");
      assertThat(raw(c, "/who", "X-Forwarded-Proto: https\r\n").text()).isEqualTo("127.0.0.1 https app.internal");
    }
  }

  /** RFC 7239 4: a value may be a quoted-string (RFC 9110 5.6.4), with ',' ';' and quoted-pairs inside. */
  @Test
  void quotedValuesKeepTheirCommasSemicolonsAndEscapes() {
    try (TestClient c = serve(ProxyHeaders.forwarded("127.0.0.1", "10.0.0.0/8").forwardedHost(true))) {
      assertThat(raw(c, "/who", "Forwarded: for=192.0.2.60;ext=\"a,b;c\";proto=https, for=10.0.0.5\r\n").text())
          .isEqualTo("192.0.2.60 https app.internal");
      assertThat(raw(c, "/who", "Forwarded: for=\"192.0.2.60\";host=\"sh\\op.example\"\r\n").text())
          .isEqualTo("192.0.2.60 http shop.example");
      // A client's unterminated or escaped quote swallows nothing its proxy appended after it.
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9;x=\", for=203.0.113.7\r\n").text())
          .isEqualTo("203.0.113.7 http app.internal");
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9;x=\"\\\", for=203.0.113.7\r\n").text())
          .isEqualTo("203.0.113.7 http app.internal");
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9;x=\"\r\nForwarded: for=203.0.113.7;proto=https\r\n").text())
          .isEqualTo("203.0.113.7 https app.internal");
    }
  }

  /** Several X-Forwarded-For (or Forwarded) lines are one list in order (RFC 9110 5.3), read from the right. */
  @Test
  void severalLinesAreOneListInOrder() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1", "10.0.0.0/8"))) {
      assertThat(raw(c, "/who", "X-Forwarded-For: 198.51.100.9\r\nX-Forwarded-For: 203.0.113.7, 10.1.2.3\r\n").text())
          .startsWith("203.0.113.7 ");
      assertThat(raw(c, "/who", "X-Forwarded-For: 10.1.2.3\r\nX-Forwarded-For: 198.51.100.9\r\n").text())
          .startsWith("198.51.100.9 ");
      // IPv6 as proxies write it: bare (nginx), bracketed, with a port.
      assertThat(raw(c, "/who", "X-Forwarded-For: 2001:db8::1\r\n").text()).startsWith("2001:db8:0:0:0:0:0:1 ");
      assertThat(raw(c, "/who", "X-Forwarded-For: [2001:db8::1]:4711\r\n").text()).startsWith("2001:db8:0:0:0:0:0:1 ");
    }
    try (TestClient c = serve(ProxyHeaders.forwarded("127.0.0.1", "10.0.0.0/8"))) {
      assertThat(raw(c, "/who", "Forwarded: for=198.51.100.9\r\nForwarded: for=203.0.113.7;proto=https, for=10.1.2.3\r\n")
          .text()).isEqualTo("203.0.113.7 https app.internal");
    }
  }

  /**
   * Each proxy appends its hop's proto as it appends the address: the lists line up from the
   * right, the client's hop gets the proto of the proxy that saw it, and a value the client
   * prepended is never the one taken.
   */
  @Test
  void aProtoListIsReadHopByHopFromTheRight() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1", "10.0.0.0/8"))) {
      assertThat(raw(c, "/who", "X-Forwarded-For: 203.0.113.7, 10.1.2.3\r\nX-Forwarded-Proto: https, http\r\n").text())
          .isEqualTo("203.0.113.7 https app.internal");
      assertThat(raw(c, "/who", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https, http\r\n").text())
          .isEqualTo("203.0.113.7 http app.internal");
      // One value (the proxy set it, not appended) holds for the whole chain.
      assertThat(raw(c, "/who", "X-Forwarded-For: 203.0.113.7, 10.1.2.3\r\nX-Forwarded-Proto: https\r\n").text())
          .isEqualTo("203.0.113.7 https app.internal");
    }
  }

  /** A forwarded host with line breaks or other characters never reaches host() or a Location. */
  @Test
  void aForwardedHostWithControlsOrFoldsIsRefusedOrIgnored() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true), HttpsRedirect.toDefaultPort())) {
      for (String bad : new String[] {"shop.example\r\n evil.example", "shop.example\rLocation: https://evil.example",
          "shop.example\nSet-Cookie: a=b", "evil.example/x", "evil.example@shop.example", "evil.example\\.shop.example"}) {
        RawResponse r = raw(c, "/p", "X-Forwarded-Host: " + bad + "\r\n");
        assertThat(r.status()).as("%s", bad).isIn(308, 400);
        if (r.status() == 308) {
          assertThat(r.header("location")).as("%s", bad).contains("https://app.internal/p");
        }
        assertThat(r.headerValues("set-cookie")).as("%s", bad).isEmpty();
      }
    }
  }

  /** TrustedHost checks the host ProxyHeaders found when ProxyHeaders is outside it, the Host header when inside. */
  @Test
  void trustedHostChecksWhatTheMiddlewareOutsideItFound() {
    try (TestClient c = serve(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true), TrustedHost.of("shop.example"))) {
      assertThat(raw(c, "/who", "X-Forwarded-Host: shop.example\r\n").status()).isEqualTo(200);
      assertThat(raw(c, "/who", "X-Forwarded-Host: evil.example\r\n").status()).isEqualTo(400);
      assertThat(raw(c, "/who", "").status()).as("Host app.internal").isEqualTo(400);
    }
    try (TestClient c = serve(TrustedHost.of("app.internal"), ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true))) {
      assertThat(raw(c, "/who", "X-Forwarded-Host: evil.example\r\n").text()).isEqualTo("127.0.0.1 http evil.example");
    }
    try (TestClient c = serve(ProxyHeaders.xForwarded("10.0.0.1").forwardedHost(true), TrustedHost.of("shop.example"))) {
      assertThat(raw(c, "/who", "X-Forwarded-Host: shop.example\r\n").status()).as("untrusted peer").isEqualTo(400);
    }
  }

  /** On a dual-stack listener an IPv4 proxy's address is still the IPv4 address it is listed as. */
  @Test
  void anIpv4ProxyOnADualStackListenerIsTrusted() {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1")).get("/who", ProxyHeadersTest::who).build();
    try (app; dev.lanes.server.Server server = dev.lanes.server.Server.start(app, dev.lanes.server.ServerConfig.builder()
        .host("::").port(0).stopOnSignal(false).shutdownGrace(java.time.Duration.ofSeconds(2)).build());
        RawClient raw = RawClient.connect(server.port())) {
      String seen = raw.send("GET /who HTTP/1.1\r\nHost: app.internal\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n").read().text();
      assertThat(seen).isEqualTo("203.0.113.7 http app.internal");
    }
  }

  /** A WebSocket session's request is the one the middleware resolved, not the proxy's connection. */
  @Test
  void aWebSocketSessionSeesTheForwardedClient() {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1"))
        .websocket("/ws", ws -> ws.sendText(describe(ws.request()))).build();
    try (TestClient c = TestClient.start(app);
        TestWebSocket ws = c.websocket("/ws", b -> b.header("X-Forwarded-For", "203.0.113.7").header("X-Forwarded-Proto", "wss"))) {
      assertThat(ws.receiveText()).startsWith("203.0.113.7 https 127.0.0.1:");
    }
  }
}
