package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route's method is any RFC 9110 method token, as Starlette's {@code methods=[...]} takes:
 * registered methods such as WebDAV's {@code VERSION-CONTROL} (RFC 3253) and UPnP's
 * {@code M-SEARCH} have a hyphen.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MethodTokenRoutingTest {

  @Test
  void aMethodWithAHyphenIsRoutedAndListedInAllow() {
    App app = App.builder()
        .route("VERSION-CONTROL", "/docs/{name}", req -> Response.text("versioned " + req.pathParams().get("name")))
        .get("/docs/{name}", req -> Response.text("doc"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse versioned = client.request("VERSION-CONTROL", "/docs/a", new byte[0]);
      assertThat(versioned.status()).isEqualTo(200);
      assertThat(versioned.text()).isEqualTo("versioned a");

      TestResponse other = client.request("M-SEARCH", "/docs/a", new byte[0]);
      assertThat(other.status()).isEqualTo(405);
      assertThat(other.header("Allow")).contains("GET, HEAD, OPTIONS, VERSION-CONTROL");
    }
  }

  @Test
  void aMethodIsUpperCasedAndMustBeAToken() {
    assertThat(Route.of("m-search", "/", (BlockingHandler) req -> Response.text("")).method()).isEqualTo("M-SEARCH");
    assertThatThrownBy(() -> Route.of("GET /", "/", (BlockingHandler) req -> Response.text("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
    assertThatThrownBy(() -> Route.of("", "/", (BlockingHandler) req -> Response.text("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
  }
}
