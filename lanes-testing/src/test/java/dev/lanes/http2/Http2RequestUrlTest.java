package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Request.url()} and {@code baseUrl()} over h2c: the host is {@code :authority}'s (as
 * hypercorn hands Starlette {@code :authority} as the {@code host} header), a stream without one
 * gets the server's own address, and the scheme is the connection's, never {@code :scheme}'s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2RequestUrlTest {
  @Test
  void theAuthorityIsTheHostAndAStreamWithoutOneGetsTheServersAddress() throws Exception {
    App app = App.builder()
        .middleware(next -> req -> CompletableFuture.completedFuture(Response.text(req.url() + "|" + req.baseUrl())))
        .build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream named = client.open(H2Client.request("GET", "/x?q=1").authority("shop.example:8443"), null, true);
      assertThat(named.status()).isEqualTo(200);
      assertThat(named.text()).isEqualTo("http://shop.example:8443/x?q=1|http://shop.example:8443/");
      H2Client.Stream ipv6 = client.open(H2Client.request("GET", "/caf%c3%a9?a=%20|").authority("[::1]:8443"), null, true);
      assertThat(ipv6.text()).isEqualTo("http://[::1]:8443/caf%C3%A9?a=%20||http://[::1]:8443/");
      // no :authority: the server's own address; the scheme the connection's, not :scheme's
      H2Client.Stream none = client.open(new DefaultHttp2Headers().method("GET").path("/x").scheme("https"), null, true);
      String self = "127.0.0.1:" + c.port();
      assertThat(none.text()).isEqualTo("http://" + self + "/x|http://" + self + "/");
    }
  }
}
