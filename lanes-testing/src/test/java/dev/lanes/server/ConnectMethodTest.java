package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import org.junit.jupiter.api.Test;

/**
 * RFC 9110 9.3.6: CONNECT asks for a tunnel, its target in authority form ({@code host:port}).
 * Lanes is no proxy: 501 Not Implemented (15.6.2: a method supported for no resource; nginx
 * answers 405 without the Allow 15.5.6 requires, uvicorn reads {@code host:443} as a path and
 * answers 404), never routed, and the connection closes after it, as after every refused head:
 * the bytes the client sends next may be a TLS handshake meant for the tunnel.
 */
class ConnectMethodTest {

  @Test
  void connectIsAnswered501AndTheConnectionCloses() {
    App app = App.builder()
        .get("/{any}", req -> Response.text("routed " + req.path()))
        .build();
    try (TestClient server = TestClient.start(app)) {
      for (String target : new String[] {"example.com:443", "/example"}) {
        try (RawClient c = RawClient.connect(server.port())) {
          RawClient.Transcript t = c.send("CONNECT " + target + " HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
              + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n").readUntilClosed();
          assertThat(t.closed()).as(target).isTrue();
          assertThat(t.text()).as(target).startsWith("HTTP/1.1 501 Not Implemented\r\n").doesNotContain("routed");
          assertThat(t.responses()).singleElement().satisfies(r -> {
            assertThat(r.header("connection")).contains("close");
            assertThat(r.text()).isEqualTo("Not Implemented: CONNECT");
          });
        }
      }
      assertThat(server.get("/x").text()).isEqualTo("routed /x");
    }
  }
}
