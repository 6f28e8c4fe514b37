package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Request.urlFor} over HTTP/2: the host is {@code :authority}'s, and a request without one
 * (RFC 9113 8.3.1 lets a client leave it out) gets the server's own address, as over HTTP/1.0
 * without {@code Host}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2UrlForTest {
  @Test
  void aRequestWithoutAuthorityGetsTheServersOwnAddress() throws Exception {
    App app = App.builder()
        .route("GET", "/items/{id:long}", RouteOptions.defaults().name("read_item"), (BlockingHandler) req -> Response.text(""))
        .get("/link", req -> Response.text(req.urlFor("read_item", Map.of("id", 5))))
        .build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream none = client.open(new DefaultHttp2Headers().method("GET").path("/link").scheme("http"), null, true);
      assertThat(none.status()).isEqualTo(200);
      assertThat(none.text()).isEqualTo("http://127.0.0.1:" + c.port() + "/items/5");
      H2Client.Stream named = client.open(H2Client.request("GET", "/link").authority("shop.example"), null, true);
      assertThat(named.text()).isEqualTo("http://shop.example/items/5");
    }
  }
}
