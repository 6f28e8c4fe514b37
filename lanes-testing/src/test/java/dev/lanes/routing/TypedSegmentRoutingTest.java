package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A typed segment takes only values of its type; other values reach the routes after it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TypedSegmentRoutingTest {

  @Test
  void aLongRouteBeforeASlugRouteSplitsThePathsBetweenThem() {
    App app = App.builder()
        .get("/items/{id:long}", req -> Response.text("id " + (req.pathParams().getLong("id") + 1)))
        .get("/items/{slug}", req -> Response.text("slug " + req.pathParams().get("slug")))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse number = client.get("/items/42");
      assertThat(number.status()).isEqualTo(200);
      assertThat(number.text()).isEqualTo("id 43");

      TestResponse name = client.get("/items/abc");
      assertThat(name.status()).isEqualTo(200);
      assertThat(name.text()).isEqualTo("slug abc");

      TestResponse tooLarge = client.get("/items/99999999999999999999");
      assertThat(tooLarge.status()).isEqualTo(400);
      assertThat(tooLarge.text())
          .isEqualTo("path parameter 'id' must be a long, got '99999999999999999999': too large");
    }
  }
}
