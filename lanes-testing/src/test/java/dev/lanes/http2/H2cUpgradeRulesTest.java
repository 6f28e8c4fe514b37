package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When {@code Upgrade: h2c} is honoured, and when the request is served as HTTP/1.1 instead. */
@Timeout(60)
class H2cUpgradeRulesTest {
  // An empty SETTINGS payload, base64url: the client accepts every default.
  private static final String UPGRADE = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n";

  private static TestClient start() {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    return TestClient.start(app, ServerConfig.builder().h2c(true));
  }

  @Test
  void aFirstRequestAskingH2cGets101ThenHttp2Frames() throws Exception {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n");
      String head = raw.readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols").containsIgnoringCase("upgrade: h2c");
    }
  }

  @Test
  void onlyTheFirstRequestOfAConnectionIsUpgraded() {
    try (TestClient server = start(); RawClient raw = RawClient.connect(server.port())) {
      RawResponse first = raw.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertThat(first.status()).isEqualTo(200);
      RawResponse second = raw.send("GET /x HTTP/1.1\r\nHost: a\r\n" + UPGRADE + "\r\n").read();
      assertThat(second.version()).isEqualTo("HTTP/1.1");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("x");
    }
  }

  @Test
  void anUpgradeWithoutSettingsOrNamingThemInConnectionIsServedAsHttp11() {
    try (TestClient server = start()) {
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send("GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
      }
      try (RawClient raw = RawClient.connect(server.port())) {
        RawResponse r = raw.send("GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
      }
    }
  }
}
