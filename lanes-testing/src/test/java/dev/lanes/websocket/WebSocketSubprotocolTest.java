package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        // The server's preference, not the client's: the current protocol over the legacy one.
        .websocket("/ws/graphql", WebSocketOptions.defaults().subprotocols((req, offered) ->
                offered.contains("graphql-transport-ws") ? Optional.of("graphql-transport-ws")
                    : offered.stream().filter("graphql-ws"::equals).findFirst()),
            ws -> {
              ws.sendText(ws.subprotocol().orElse("none"));
              while (true) {
                ws.send(ws.receive());
              }
            })
        .websocket("/ws/chooses-unoffered", WebSocketOptions.defaults().subprotocols((req, offered) -> Optional.of("soap")),
            ws -> ws.sendText("must not run"))
        .websocket("/ws/chooses-to-refuse", WebSocketOptions.defaults().subprotocols((req, offered) -> {
          if (offered.isEmpty()) {
            throw new HttpException(400, "offer a subprotocol");
          }
          return Optional.of(offered.get(offered.size() - 1)); // the client's least preferred, to tell it from the list's pick
        }), ws -> ws.sendText(ws.subprotocol().orElse("none")))
        .websocket("/ws/chat", WebSocketOptions.defaults().subprotocols("chat.v2"),
            ws -> ws.sendText(ws.subprotocol().orElse("none")))
        .websocketAsync("/ws/metrics", WebSocketOptions.defaults().subprotocols("graphql-ws"),
            new AsyncWebSocketHandler() {
              @Override
              public void onOpen(AsyncWebSocket ws) {
                ws.sendText(ws.subprotocol().orElse("none"));
              }

              @Override
              public void onMessage(AsyncWebSocket ws, Message message) {}
            })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /** Three offers: the first of them the route speaks wins. */
  @Test
  void theFirstOfTheClientsOffersThatTheRouteSpeaksIsAgreed() {
    try (TestWebSocket ws = client.websocket("/ws/proto", b -> b.subprotocols("mqtt", "chat.v2", "graphql-transport-ws"))) {
      assertThat(ws.subprotocol()).contains("chat.v2");
      assertThat(ws.receiveText()).isEqualTo("chat.v2");
    }
  }

  /** Each route its own list: one offer of both gets each route its own answer. */
  @Test
  void eachRouteAgreesOnItsOwnSubprotocol() {
    for (String[] route : new String[][] {{"/ws/chat", "chat.v2"}, {"/ws/metrics", "graphql-ws"}}) {
      try (TestWebSocket ws = client.websocket(route[0], b -> b.subprotocols("graphql-ws", "chat.v2"))) {
        assertThat(ws.subprotocol()).as(route[0]).contains(route[1]);
        assertThat(ws.receiveText()).isEqualTo(route[1]);
      }
    }
  }

  @Test
  void anAsyncSessionTellsItsSubprotocolToo() {
    try (TestWebSocket ws = client.websocket("/ws/proto-async", b -> b.subprotocols("chat.v2"))) {
      assertThat(ws.subprotocol()).contains("chat.v2");
      assertThat(ws.receiveText()).isEqualTo("chat.v2");
    }
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

  /** The route's own pick, by its preference: the client's order does not decide. */
  @Test
  void aRoutesChoicePicksAmongTheOffersByItsOwnPreference() {
    try (TestWebSocket ws = client.websocket("/ws/graphql", b -> b.subprotocols("graphql-ws", "graphql-transport-ws"))) {
      assertThat(ws.subprotocol()).contains("graphql-transport-ws");
      assertThat(ws.receiveText()).isEqualTo("graphql-transport-ws");
    }
    try (TestWebSocket legacy = client.websocket("/ws/graphql", b -> b.subprotocols("mqtt", "graphql-ws"))) {
      assertThat(legacy.subprotocol()).contains("graphql-ws");
      assertThat(legacy.receiveText()).isEqualTo("graphql-ws");
    }
  }

  @Test
  void aRoutesChoiceOfNoneAnswersNone() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/graphql", "Sec-WebSocket-Protocol: mqtt\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-protocol");
      assertThat(Frames.read(c).text()).isEqualTo("none");
    }
  }

  /** The choice sees every offer, all header lines joined, in the client's order. */
  @Test
  void aRoutesChoiceSeesAllTheOffers() {
    try (RawClient c = RawClient.connect(client.port())) {
      String head = Frames.open(c, "/ws/chooses-to-refuse",
          "Sec-WebSocket-Protocol: chat.v2, mqtt\r\nSec-WebSocket-Protocol: soap\r\n");
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: soap\r\n");
      assertThat(Frames.read(c).text()).isEqualTo("soap");
    }
  }

  /** A choice may refuse the upgrade like any handler, before anything else happens. */
  @Test
  void aRoutesChoiceMayRefuseTheUpgrade() {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/chooses-to-refuse", "")).startsWith("HTTP/1.1 400");
    }
  }

  /** RFC 6455 4.1: the client would fail the connection; the route's bug is a 500, not a 101. */
  @Test
  void aRoutesChoiceTheClientDidNotOfferFailsTheUpgrade() {
    try (RawClient c = RawClient.connect(client.port())) {
      assertThat(Frames.open(c, "/ws/chooses-unoffered", "Sec-WebSocket-Protocol: chat.v2\r\n"))
          .startsWith("HTTP/1.1 500").doesNotContainIgnoringCase("sec-websocket-protocol");
    }
  }

  @Test
  void aListAndAChoiceDoNotMix() {
    assertThatThrownBy(() -> new WebSocketOptions("websockets", 1024, 1024, Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1024, true, List.of("chat.v2"), (req, offered) -> Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WebSocketOptions.defaults().subprotocols("chat.v2").subprotocols((req, offered) -> Optional.empty())
        .subprotocols()).isEmpty();
    assertThat(WebSocketOptions.defaults().subprotocols((req, offered) -> Optional.empty()).subprotocols("chat.v2")
        .subprotocolChoice()).isNull();
  }
}
