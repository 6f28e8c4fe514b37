package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Named WebSocket routes (Starlette's {@code WebSocketRoute(name=...)}): in the app's one table of
 * names, their absolute URLs {@code ws://} or {@code wss://} by the request's scheme, as Starlette
 * 1.7's {@code request.url_for} gives them from an HTTP request; over real sockets.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketNamesTest {
  private static App app() {
    Routes live = Routes.create()
        .websocketAsync("/{room}", WebSocketOptions.defaults().name("room"), (ws, message) -> ws.sendAsync(Message.text(
            ws.request().pathParams().get("room") + ": " + ((Message.Text) message).text())));
    return App.builder()
        .middleware(ProxyHeaders.xForwarded("127.0.0.1"))
        .websocket("/ws/echo", WebSocketOptions.defaults().name("echo"), ws -> {
          while (true) { // until the client closes
            ws.send(ws.receive());
          }
        })
        .include("/live", "live", live)
        .get("/links", req -> Response.text(req.urlFor("echo") + " "
            + req.urlFor("live:room", Map.of("room", "the lobby"))))
        .build();
  }

  @Test
  void aNamedWebSocketRoutesUrlIsWsOrWssByTheRequestsScheme() {
    try (App app = app(); TestClient client = TestClient.start(app)) {
      assertThat(app.urlPathFor("echo")).isEqualTo("/ws/echo");
      assertThat(app.urlPathFor("live:room", Map.of("room", "a b"))).isEqualTo("/live/a%20b");
      String origin = "127.0.0.1:" + client.port();
      String[] links = client.get("/links").text().split(" ");
      assertThat(links).containsExactly("ws://" + origin + "/ws/echo", "ws://" + origin + "/live/the%20lobby");
      // behind a trusted TLS proxy, as Starlette: wss
      assertThat(client.send(client.request("/links").header("X-Forwarded-Proto", "https")).text())
          .isEqualTo("wss://" + origin + "/ws/echo wss://" + origin + "/live/the%20lobby");
      // the URLs built lead to the routes (their origin is the client's, checked above)
      try (TestWebSocket ws = client.websocket(URI.create(links[0]).getRawPath())) {
        ws.sendText("hi");
        assertThat(ws.receiveText()).isEqualTo("hi");
      }
      try (TestWebSocket ws = client.websocket(URI.create(links[1]).getRawPath())) {
        ws.sendText("hello");
        assertThat(ws.receiveText()).isEqualTo("the lobby: hello");
      }
    }
  }

  @Test
  void aNameAnHttpAndAWebSocketRouteShareFailsTheBuild() {
    assertThatThrownBy(() -> App.builder()
        .route("GET", "/chat", RouteOptions.defaults().name("chat"), (BlockingHandler) req -> Response.text(""))
        .websocketAsync("/ws/chat", WebSocketOptions.defaults().name("chat"), (ws, m) -> ws.sendAsync(m))
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route name 'chat' given twice: GET /chat and GET /ws/chat");
    assertThatThrownBy(() -> WebSocketOptions.defaults().name(" ")).hasMessageContaining("must not be blank");
  }

  @Test
  void aRequestBuiltWithTheAppsUrlPathsKnowsItsWebSocketRoutes() {
    try (App app = app()) {
      Request req = Request.builder("GET", "/").urlPaths(app.urlPaths()).host("example.com").scheme("https").build();
      assertThat(req.urlFor("echo")).isEqualTo("wss://example.com/ws/echo");
      // a function giving paths only knows no kinds: the request's own scheme
      Request paths = Request.builder("GET", "/").urlPaths(app::urlPathFor).host("example.com").build();
      assertThat(paths.urlFor("echo")).isEqualTo("http://example.com/ws/echo");
    }
  }
}
