package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subprotocol negotiation (RFC 6455 1.9, 4.2.2): a route lists the subprotocols it speaks, the 101
 * answers the first one the client offers (in the client's order), the session tells which; a
 * client that offers none of them, or nothing, gets a 101 naming none, and never one it did not
 * offer, whatever middleware adds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketSubprotocolTest {
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .middleware(next -> req -> next.call(req).thenApply(r -> req.path().startsWith("/ws/meddled")
            ? r.withHeader("Sec-WebSocket-Protocol", "not-offered") : r))
        .websocket("/ws/proto", WebSocketOptions.defaults().subprotocols("graphql-transport-ws", "chat.v2"), ws -> {
          ws.sendText(ws.subprotocol().orElse("none"));
          while (true) {
            ws.send(ws.receive());
          }
        })
        .websocketAsync("/ws/proto-async", WebSocketOptions.defaults().subprotocols("chat.v2"),
            new AsyncWebSocketHandler() {
              @Override
              public void onOpen(AsyncWebSocket ws) {
                ws.sendText(ws.subprotocol().orElse("none"));
              }

              @Override
              public void onMessage(AsyncWebSocket ws, Message message) {
                ws.sendAsync(message);
              }
            })
        .websocket("/ws/meddled", WebSocketOptions.defaults().subprotocols("chat.v2"),
            ws -> ws.sendText(ws.subprotocol().orElse("none")))
        .websocket("/ws/plain", ws -> ws.sendText(ws.subprotocol().orElse("none")))
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /** The JDK client, offering three: the first of its offers the route speaks wins. */
  @Test
  void theFirstOfTheClientsOffersThatTheRouteSpeaksIsAgreed() throws Exception {
    First first = new First();
    java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .subprotocols("mqtt", "chat.v2", "graphql-transport-ws")
        .buildAsync(URI.create("ws://127.0.0.1:" + client.port() + "/ws/proto"), first)
        .get(10, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
    assertThat(first.message.get(10, TimeUnit.SECONDS)).isEqualTo("chat.v2");
    ws.sendClose(1000, "").join();
  }

  @Test
  void anAsyncSessionTellsItsSubprotocolToo() throws Exception {
    First first = new First();
    java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .subprotocols("chat.v2")
        .buildAsync(URI.create("ws://127.0.0.1:" + client.port() + "/ws/proto-async"), first)
        .get(10, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
    assertThat(first.message.get(10, TimeUnit.SECONDS)).isEqualTo("chat.v2");
    ws.sendClose(1000, "").join();
  }

  /** RFC 6455 11.3.4: the offer may come on several header lines, as one list. */
  @Test
  void offersOnSeveralHeaderLinesCount() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/proto",
          "Sec-WebSocket-Protocol: mqtt, soap\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: graphql-transport-ws\r\n");
      assertThat(Frames.read(c).text()).isEqualTo("graphql-transport-ws");
    }
  }

  /** None of the offers spoken: the 101 names none (the client decides whether to go on). */
  @Test
  void anOfferTheRouteDoesNotSpeakGetsNoSubprotocol() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/proto", "Sec-WebSocket-Protocol: mqtt, CHAT.V2\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-protocol");
      assertThat(Frames.read(c).text()).isEqualTo("none");
    }
  }

  @Test
  void noOfferNoSubprotocol() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/proto", "");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-protocol");
      assertThat(Frames.read(c).text()).isEqualTo("none");
    }
  }

  /** A route that lists none answers none, whatever the client offers. */
  @Test
  void aRouteWithoutSubprotocolsAgreesToNone() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/plain", "Sec-WebSocket-Protocol: chat.v2\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-protocol");
      assertThat(Frames.read(c).text()).isEqualTo("none");
    }
  }

  /** RFC 6455 4.1: a subprotocol the client did not offer fails its connection; middleware cannot send one. */
  @Test
  void aSubprotocolMiddlewareAddsIsReplacedByTheAgreedOne() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/meddled", "Sec-WebSocket-Protocol: chat.v2\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: chat.v2\r\n")
          .doesNotContain("not-offered");
    }
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/meddled", "");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-protocol");
    }
  }

  @Test
  void aSubprotocolMustBeAToken() {
    assertThatThrownBy(() -> WebSocketOptions.defaults().subprotocols("chat v2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    assertThatThrownBy(() -> WebSocketOptions.defaults().subprotocols(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Keeps the first text message. */
  private static final class First implements java.net.http.WebSocket.Listener {
    final CompletableFuture<String> message = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
      message.complete(data.toString());
      ws.request(1);
      return null;
    }
  }
}
