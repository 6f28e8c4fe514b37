package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.ProxyHeaders;
import dev.lanes.testing.TestClient;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * docs/middleware.md: "Names are never resolved: only IP literals count as addresses", and
 * ProxyHeaders.AddressRange.literal says "getByName below never asks DNS". A dotted string of
 * digits that is not a valid IPv4 literal passes its filter and InetAddress.getByName resolves it
 * by DNS, on the event loop, for every hop a client writes into X-Forwarded-For.
 */
class ProxyHeadersNoDnsTest {
  @Test
  void aForgedHopIsNeverLookedUpInDns() {
    App app = App.builder().middleware(ProxyHeaders.xForwarded("127.0.0.1"))
        .get("/who", req -> Response.text(req.remoteAddress().map(InetSocketAddress::getHostString).orElse("?")))
        .build();
    try (TestClient c = TestClient.start(app)) {
      // What a client behind the proxy sent, the proxy appending the client's real address.
      String seen = c.send(c.request("/who").header("X-Forwarded-For", "1.2.3.4444, 203.0.113.7")).text();
      assertThat(seen).isEqualTo("203.0.113.7");
      assertThat(RecordingResolverProvider.LOOKUPS).as("DNS lookups: %s", RecordingResolverProvider.THREADS).doesNotContain("1.2.3.4444");
    }
  }
}
