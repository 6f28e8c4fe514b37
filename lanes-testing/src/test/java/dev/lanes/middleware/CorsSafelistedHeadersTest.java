package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.Cors;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Cors's builder says allowHeaders defaults to "none beyond the CORS-safelisted ones". */
class CorsSafelistedHeadersTest {
  @Test
  void aPreflightAskingForASafelistedHeaderIsAllowedByDefault() {
    // A browser's fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}})
    // preflights with Access-Control-Request-Headers: content-type.
    Cors cors = Cors.builder().allowOrigins("https://app.example").allowMethods("POST").build();
    App app = App.builder().middleware(cors).post("/items", req -> Response.text("ok")).build();
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.send(c.request("/items").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://app.example")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "content-type"));
      assertThat(r.status()).as(r.text()).isEqualTo(204);
      assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
    }
  }
}
