package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrustedHostTest {
  private static RawResponse get(TestClient c, String host) {
    try (RawClient raw = RawClient.connect(c.port())) {
      return raw.send("GET /hi HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
    }
  }

  @Test
  void onlyListedHostsAndSubdomainsOfAWildcardAreServed() {
    App app = App.builder().middleware(TrustedHost.of("example.com", "*.example.org"))
        .get("/hi", req -> Response.text("hi")).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(get(c, "example.com").status()).isEqualTo(200);
      assertThat(get(c, "EXAMPLE.com:8000").status()).isEqualTo(200);
      assertThat(get(c, "api.example.org").status()).isEqualTo(200);
      RawResponse evil = get(c, "evil.example");
      assertThat(evil.status()).isEqualTo(400);
      assertThat(evil.text()).isEqualTo("Invalid host header");
      assertThat(get(c, "example.org").status()).isEqualTo(400); // the wildcard covers subdomains only
      assertThat(get(c, "notexample.com").status()).isEqualTo(400);
    }
  }

  @Test
  void unroutedRequestsAreCheckedToo() {
    App app = App.builder().middleware(TrustedHost.of("example.com")).get("/hi", req -> Response.text("hi")).build();
    try (TestClient c = TestClient.start(app); RawClient raw = RawClient.connect(c.port())) {
      assertThat(raw.send("GET /nowhere HTTP/1.1\r\nHost: evil.example\r\n\r\n").read().status()).isEqualTo(400);
    }
  }

  @Test
  void badPatternsFailWhenBuilt() {
    assertThatThrownBy(() -> TrustedHost.of("ex*ample.com")).hasMessageContaining("ex*ample.com");
    assertThatThrownBy(() -> TrustedHost.of("example.com:80")).hasMessageContaining("port");
    // A bracketed IPv6 literal with a port would never match (the port is dropped before matching).
    assertThatThrownBy(() -> TrustedHost.of("[::1]:8000")).hasMessageContaining("port");
    assertThatThrownBy(() -> TrustedHost.of("[::1")).hasMessageContaining("[::1");
    assertThat(TrustedHost.of("[::1]").allows("[::1]:8000")).isTrue();
    assertThatThrownBy(TrustedHost::of).hasMessageContaining("at least one");
  }
}
