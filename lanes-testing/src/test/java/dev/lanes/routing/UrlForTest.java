package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.server.Ipv6Loopback;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import dev.lanes.typed.Get;
import dev.lanes.typed.Operation;
import dev.lanes.typed.Path;
import dev.lanes.typed.TypedApi;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * URLs built from route names (Starlette's {@code url_path_for} and {@code request.url_for}): names
 * from options, typed handlers and namespaced parts, checked at build, and absolute URLs from the
 * request's scheme and host, over real sockets, proxied or not.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UrlForTest {
  static final class Items {
    @Get("/typed/{item_id:long}")
    String readItem(@Path long itemId) {
      return "item " + itemId;
    }

    @Operation(operationId = "list_items")
    @Get("/typed")
    String list() {
      return "items";
    }

    /** Redirects to another typed route by its name, as a FastAPI handler would. */
    @Get("/typed-go/{item_id:long}")
    Response go(Request req, @Path long itemId) {
      return Response.status(307).withHeader("location", req.urlFor("readItem", Map.of("item_id", itemId)));
    }
  }

  private static Response redirect(String url) {
    return Response.status(307).withHeader("location", url);
  }

  /** An app with a plain named route, a part under a namespace, and typed routes named after their methods. */
  private static App app(boolean proxied) {
    Routes users = Routes.create()
        .route("GET", "/{name}", RouteOptions.defaults().name("read_user"), (BlockingHandler) req -> Response.text(req.pathParams().get("name")))
        .get("/go/{name}", req -> redirect(req.urlFor("api:read_user", Map.of("name", req.pathParams().get("name")))));
    App.Builder app = App.builder()
        .route("GET", "/files/{rest:path}", RouteOptions.defaults().name("file"), (BlockingHandler) req -> Response.text(""))
        .get("/go-file", req -> redirect(req.urlFor("file", Map.of("rest", "a b/c.txt"))))
        .include("/api/users", "api", users);
    if (proxied) {
      app.middleware(ProxyHeaders.xForwarded("127.0.0.1").forwardedHost(true));
    }
    return TypedApi.builder().controller(new Items()).build().install(app).build();
  }

  @Test
  void appBuildsPathsFromNames() {
    try (App app = app(false)) {
      assertThat(app.urlPathFor("file", Map.of("rest", "a b/c.txt"))).isEqualTo("/files/a%20b/c.txt");
      assertThat(app.urlPathFor("api:read_user", Map.of("name", "zoë?"))).isEqualTo("/api/users/zo%C3%AB%3F");
      assertThat(app.urlPathFor("readItem", Map.of("item_id", 5))).isEqualTo("/typed/5");
      assertThat(app.urlPathFor("list_items")).isEqualTo("/typed");
      assertThat(app.routes()).filteredOn(r -> r.pattern().template().equals("/typed"))
          .singleElement().satisfies(r -> assertThat(r.options().name()).contains("list_items"));
    }
  }

  @Test
  void unknownNamesAndParametersThatDoNotFitAreRefused() {
    try (App app = app(false)) {
      assertThatThrownBy(() -> app.urlPathFor("read_user", Map.of("name", "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no route is named 'read_user'").hasMessageContaining("api:read_user");
      assertThatThrownBy(() -> app.urlPathFor("list", Map.of())) // an operationId replaces the method's name
          .hasMessageContaining("no route is named 'list'");
      assertThatThrownBy(() -> app.urlPathFor("readItem", Map.of("item_id", "five")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("route 'readItem' (GET /typed/{item_id:long})")
          .hasMessageContaining("parameter 'item_id' must be a long");
      assertThatThrownBy(() -> app.urlPathFor("readItem", Map.of()))
          .hasMessageContaining("'item_id' is missing");
      assertThatThrownBy(() -> app.urlPathFor("readItem", Map.of("item_id", 1, "q", "x")))
          .hasMessageContaining("no parameter 'q'");
    }
  }

  @Test
  void handlersRedirectToAbsoluteUrlsOfTheRequestsSchemeAndHost() {
    try (TestClient c = TestClient.start(app(false))) {
      String origin = "http://127.0.0.1:" + c.port();
      assertThat(c.get("/api/users/go/zo%C3%AB%20x").header("location")).contains(origin + "/api/users/zo%C3%AB%20x");
      assertThat(c.get("/typed-go/42").header("location")).contains(origin + "/typed/42");
      assertThat(c.get("/go-file").header("location")).contains(origin + "/files/a%20b/c.txt");
      // and the URL built leads back to the route, with the same value
      TestResponse user = c.get("/api/users/zo%C3%AB%20x");
      assertThat(user.text()).isEqualTo("zoë x");
      assertThat(c.get("/typed/42").text()).contains("item 42");
      // why a '/' in a str value is refused, not encoded: the server decodes %2F into a separator
      assertThat(c.get("/api/users/a%2Fb").status()).isEqualTo(404);
    }
  }

  /**
   * An HTTP/1.0 request may send no {@code Host}: its URL is built from the server's own address,
   * as Starlette falls back to {@code scope["server"]} (checked against Starlette 1.7: {@code
   * http://127.0.0.1:<port>/...}), rather than failing with a 500.
   */
  @Test
  void aRequestWithoutAHostGetsTheServersOwnAddress() {
    try (TestClient c = TestClient.start(app(false))) {
      RawClient.Transcript old = RawClient.exchange(c.port(), "GET /go-file HTTP/1.0\r\n\r\n");
      assertThat(old.responses()).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.header("location")).contains("http://127.0.0.1:" + c.port() + "/files/a%20b/c.txt");
      });
      // with a Host, the Host's
      RawClient.Transcript named = RawClient.exchange(c.port(), "GET /typed-go/3 HTTP/1.0\r\nHost: shop.example\r\n\r\n");
      assertThat(named.responses().get(0).header("location")).contains("http://shop.example/typed/3");
    }
  }

  /**
   * A {@code Host} may end in an empty port ({@code shop.example:}, RFC 3986 3.2.3: the scheme's
   * default); a URL built from it leaves the {@code :} out, as RFC 3986 3.2.3 asks of URI producers
   * (Starlette 1.7 takes such a Host for invalid and falls back to the server's address). A port
   * the Host names is kept as named, {@code :80} too, as Starlette keeps it.
   */
  @Test
  void anEmptyPortInTheHostIsLeftOutOfTheUrl() {
    try (TestClient c = TestClient.start(app(false))) {
      for (String[] hostAndUrl : new String[][] {
          {"shop.example:", "http://shop.example/typed/3"}, {"[::1]:", "http://[::1]/typed/3"},
          {"shop.example:80", "http://shop.example:80/typed/3"}}) {
        RawClient.Transcript t = RawClient.exchange(c.port(),
            "GET /typed-go/3 HTTP/1.1\r\nHost: " + hostAndUrl[0] + "\r\nConnection: close\r\n\r\n");
        assertThat(t.responses().get(0).header("location")).as(hostAndUrl[0]).contains(hostAndUrl[1]);
      }
    }
  }

  /**
   * A server on the IPv6 loopback, asked without a {@code Host}: its own address is written as a
   * URL's host is, bracketed (RFC 3986 3.2.2) and in RFC 5952's compressed form, {@code [::1]},
   * as Starlette 1.7 under uvicorn on {@code ::1} gives it ({@code http://[::1]:<port>/...}); the
   * JDK's {@code getHostAddress} spells it {@code 0:0:0:0:0:0:0:1}.
   */
  @Test
  void aRequestWithoutAHostToAServerOnTheIpv6LoopbackGetsItsCompressedBracketedAddress() {
    assumeTrue(Ipv6Loopback.available(), "this machine cannot bind the IPv6 loopback (::1)");
    App app = App.builder()
        .route("GET", "/items/{id:long}", RouteOptions.defaults().name("read_item"), (BlockingHandler) req -> Response.text(""))
        .get("/link", req -> Response.text(req.urlFor("read_item", Map.of("id", 5))))
        .build();
    try (Server server = Server.start(app, ServerConfig.builder().host("::1").port(0).build())) {
      InetSocketAddress address = new InetSocketAddress("::1", server.port());
      RawClient.Transcript old = RawClient.exchange(address, "GET /link HTTP/1.0\r\n\r\n");
      assertThat(old.responses()).singleElement()
          .satisfies(r -> assertThat(r.text()).isEqualTo("http://[::1]:" + server.port() + "/items/5"));
      // with a Host, the Host's, as sent
      RawClient.Transcript named = RawClient.exchange(address,
          "GET /link HTTP/1.1\r\nHost: [::1]:" + server.port() + "\r\nConnection: close\r\n\r\n");
      assertThat(named.responses().get(0).text()).isEqualTo("http://[::1]:" + server.port() + "/items/5");
    }
  }


  @Test
  void behindATrustedProxyUrlsUseTheForwardedSchemeAndHost() {
    try (TestClient c = TestClient.start(app(true))) {
      TestResponse part = c.send(c.request("/api/users/go/ann")
          .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "shop.example"));
      assertThat(part.status()).isEqualTo(307);
      assertThat(part.header("location")).contains("https://shop.example/api/users/ann");
      TestResponse typed = c.send(c.request("/typed-go/7")
          .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "shop.example:8443"));
      assertThat(typed.header("location")).contains("https://shop.example:8443/typed/7");
    }
  }

  @Test
  void aDuplicateNameFailsTheBuildNamingBothRoutes() {
    BlockingHandler h = req -> Response.text("");
    assertThatThrownBy(() -> App.builder()
        .route("GET", "/a", RouteOptions.defaults().name("x"), h)
        .route("POST", "/b/{id}", RouteOptions.defaults().name("x"), h)
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route name 'x' given twice: GET /a and POST /b/{id}");
  }

  @Test
  void aPartIncludedTwiceNeedsANamespaceForItsNames() {
    Routes part = Routes.create().route("GET", "/items", RouteOptions.defaults().name("items"), (BlockingHandler) req -> Response.text(""));
    assertThatThrownBy(() -> App.builder().include("/v1", part).include("/v2", part).build())
        .hasMessageContaining("route name 'items' given twice: GET /v1/items and GET /v2/items");
    try (App app = App.builder().include("/v1", "v1", part).include("/v2", "v2", part).build()) {
      assertThat(app.urlPathFor("v1:items")).isEqualTo("/v1/items");
      assertThat(app.urlPathFor("v2:items")).isEqualTo("/v2/items");
    }
  }

  @Test
  void nestedNamespacesJoinOutermostFirst() {
    Routes inner = Routes.create().route("GET", "/{id:int}", RouteOptions.defaults().name("read"), (BlockingHandler) req -> Response.text(""))
        .get("/plain", req -> Response.text("")); // unnamed: no name to namespace
    Routes outer = Routes.create().include("/users", "users", inner);
    try (App app = App.builder().include("/api", "api", outer).build()) {
      assertThat(app.urlPathFor("api:users:read", Map.of("id", 3))).isEqualTo("/api/users/3");
      assertThat(app.routes()).filteredOn(r -> r.options().name().isPresent()).hasSize(1);
    }
    assertThatThrownBy(() -> Routes.create().include("/x", "a:b", inner)).hasMessageContaining("':'");
  }

  @Test
  void aMethodNameTwoTypedRoutesShareNamesNeither() {
    final class A {
      @Get("/a")
      String list() {
        return "";
      }
    }
    final class B {
      @Get("/b")
      String list() {
        return "";
      }
    }
    TypedApi api = TypedApi.builder().controller(new A()).controller(new B()).build();
    try (App app = api.install(App.builder()).build()) { // builds: names it may never use do not fail it
      assertThatThrownBy(() -> app.urlPathFor("list", Map.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no route is named 'list'");
    }
  }

  @Test
  void aRequestBuiltWithoutAnAppCannotBuildUrls() {
    assertThatThrownBy(() -> Request.builder("GET", "/").build().urlFor("x"))
        .isInstanceOf(IllegalStateException.class);
    try (App app = app(false)) {
      // neither a host nor a local address: nothing to build an absolute URL with
      assertThatThrownBy(() -> Request.builder("GET", "/").urlPaths(app.urlPaths()).build().urlFor("list_items"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("no host (no Host header) and no local address");
      Request ipv6 = Request.builder("GET", "/").urlPaths(app.urlPaths()).scheme("https")
          .localAddress(new InetSocketAddress("::1", 443)).build();
      assertThat(ipv6.urlFor("list_items")).isEqualTo("https://[::1]/typed");
      // RFC 5952: the longest zero run compressed, the first of equal ones, a lone zero kept; a zone as %25
      for (String[] c : new String[][] {
          {"2001:db8:0:0:1:0:0:1", "[2001:db8::1:0:0:1]"}, {"2001:0:0:1:0:0:0:1", "[2001:0:0:1::1]"},
          {"2001:db8:0:1:1:1:1:1", "[2001:db8:0:1:1:1:1:1]"}, {"2001:DB8::", "[2001:db8::]"}, {"::", "[::]"},
          {"fe80::1%1", "[fe80::1%251]"}}) {
        Request at = Request.builder("GET", "/").urlPaths(app.urlPaths()).localAddress(new InetSocketAddress(c[0], 8080)).build();
        assertThat(at.urlFor("list_items")).as(c[0]).isEqualTo("http://" + c[1] + ":8080/typed");
      }
      Request v4 = Request.builder("GET", "/").urlPaths(app.urlPaths()).localAddress(new InetSocketAddress("127.0.0.1", 8080)).build();
      assertThat(v4.urlFor("list_items")).isEqualTo("http://127.0.0.1:8080/typed");
    }
    try (App app = app(false)) {
      Request req = Request.builder("GET", "/").urlPaths(app::urlPathFor).host("example.com").scheme("https").build();
      assertThat(req.urlFor("readItem", Map.of("item_id", 1))).isEqualTo("https://example.com/typed/1");
    }
  }
}
