package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.HttpsRedirect;
import dev.lanes.middleware.TrustedHost;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 refuses a Host with a path, userinfo or other non-host characters (HostValue
 * .valid, docs/limits.md); over HTTP/2 the :authority (or host field) reaches TrustedHost and
 * HttpsRedirect unchecked.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2AuthorityTest {
  private static App app() {
    return App.builder()
        .middleware(TrustedHost.of("*.example.com"))
        .middleware(HttpsRedirect.toDefaultPort())
        .get("/hi", req -> Response.text("hi"))
        .build();
  }

  @Test
  void http1RefusesTheHost() {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawClient raw = RawClient.connect(c.port())) {
      assertThat(raw.send("GET /hi HTTP/1.1\r\nHost: evil.com/.example.com\r\n\r\n").read().status()).isEqualTo(400);
    }
  }

  @Test
  void anAuthorityWithAPathPassesTrustedHostAndBecomesAnOpenRedirect() throws Exception {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream s = client.open(H2Client.request("GET", "/hi").authority("evil.com/.example.com"), null, true);
      int status = s.status();
      CharSequence location = s.headers.get(10, TimeUnit.SECONDS).get("location");
      assertThat(status).as("status %s, Location %s", status, location).isEqualTo(400);
    }
  }

  /** An :authority whose brackets hold no IPv6 address is refused as an HTTP/1.1 Host would be (RFC 3986 3.2.2). */
  @Test
  void anAuthorityWhoseIpLiteralIsNoIpv6AddressIsRefused() throws Exception {
    App app = App.builder().get("/host", req -> Response.text(req.host().orElse(""))).build();
    try (TestClient c = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      assertThat(client.open(H2Client.request("GET", "/host").authority("[1]:8080"), null, true).status()).isEqualTo(400);
      assertThat(client.open(H2Client.request("GET", "/host").authority("[::1]:8080"), null, true).text()).isEqualTo("[::1]:8080");
    }
  }

  /** A host field beside a valid :authority is what the app reads: it must name the same host (RFC 9113 8.3.1). */
  @Test
  void aHostFieldBesideAValidAuthorityIsCheckedToo() throws Exception {
    try (TestClient c = TestClient.start(app(), ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(c.port())) {
      H2Client.Stream evil = client.open(H2Client.request("GET", "/hi").authority("a.example.com")
          .add("host", "evil.com/.example.com"), null, true);
      assertThat(evil.status()).as("Location %s", evil.headers.get(10, TimeUnit.SECONDS).get("location"))
          .isEqualTo(400);
      H2Client.Stream other = client.open(H2Client.request("GET", "/hi").authority("a.example.com")
          .add("host", "b.example.com"), null, true);
      assertThat(other.status()).as("a host that differs from :authority").isEqualTo(400);
      H2Client.Stream same = client.open(H2Client.request("GET", "/hi").authority("a.example.com")
          .add("host", "A.example.com"), null, true);
      assertThat(same.status()).as("the same host, another case").isEqualTo(308);
    }
  }
}
