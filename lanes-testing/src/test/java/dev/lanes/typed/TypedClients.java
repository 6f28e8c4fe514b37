package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;

/** What the typed layer's tests share: a client of a controller's app, and the errors of a 422. */
final class TypedClients {
  private TypedClients() {}

  /** A client of an app that is {@code controller}'s typed API alone. */
  static TestClient of(Object controller) {
    return TestClient.start(TypedApi.builder().controller(controller).build().install(App.builder()).build());
  }

  /** The {@code detail} list of a 422 validation failure; fails naming the body if {@code r} is not one. */
  static JsonNode errors(TestResponse r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    return r.json().get("detail");
  }
}
