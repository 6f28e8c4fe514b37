package dev.lanes.examples.tutorial.bigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/10-bigger-apps.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BiggerAppTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER_TOKEN = "fake-super-secret-token";

  @Test
  void everyTypedRouteNeedsTheQueryToken() throws IOException {
    try (TestClient client = TestClient.start(BiggerApp.app())) {
      assertThat(client.get("/users?token=jessica").json())
          .isEqualTo(JSON.readTree("[{\"username\": \"Rick\"}, {\"username\": \"Morty\"}]"));
      TestResponse missing = client.get("/users/me");
      assertThat(missing.status()).isEqualTo(422);
      assertThat(missing.json().at("/detail/0/loc")).isEqualTo(JSON.readTree("[\"query\", \"token\"]"));
      TestResponse wrong = client.get("/users/me?token=jonas");
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.text()).isEqualTo("{\"detail\":\"No Jessica token provided\"}");
    }
  }

  @Test
  void theItemsNeedTheHeaderTokenToo() {
    try (TestClient client = TestClient.start(BiggerApp.app())) {
      assertThat(client.get("/items?token=jessica").json().at("/detail/0/loc/1").asText()).isEqualTo("x-token");
      TestResponse item = client.send(client.request("/items/gun?token=jessica").header("X-Token", HEADER_TOKEN));
      assertThat(item.json().get("name").asText()).isEqualTo("Portal Gun");
      TestResponse missing = client.send(client.request("/items/car?token=jessica").header("X-Token", HEADER_TOKEN));
      assertThat(missing.status()).isEqualTo(404);
      assertThat(client.send(client.request("/users/rick?token=jessica").header("X-Token", "anything")).status())
          .isEqualTo(200);
    }
  }

  @Test
  void theAdminGroupMountsAControllerUnderItsPrefixWithTheHeaderCheck() {
    try (TestClient client = TestClient.start(BiggerApp.app())) {
      TestResponse wrong = client.send(client.request("/admin?token=jessica").header("X-Token", "nope")
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.text()).isEqualTo("{\"detail\":\"X-Token header invalid\"}");
      TestResponse ok = client.send(client.request("/admin?token=jessica").header("X-Token", HEADER_TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(ok.text()).isEqualTo("{\"message\":\"Admin getting schwifty\"}");
    }
  }

  @Test
  void aPlainRouteSitsBesideTheTypedOnesOutsideTheDocument() {
    try (TestClient client = TestClient.start(BiggerApp.app())) {
      assertThat(client.get("/").text()).isEqualTo("{\"message\":\"Hello Bigger Applications!\"}");
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.get("paths").has("/")).isFalse();
      assertThat(doc.at("/paths/~1users/get/tags/0").asText()).isEqualTo("users");
      assertThat(doc.at("/paths/~1items~1{item_id}/get/tags/0").asText()).isEqualTo("items");
      assertThat(doc.at("/paths/~1items~1{item_id}/get/parameters").findValuesAsText("name"))
          .containsExactlyInAnyOrder("item_id", "token", "x-token");
      assertThat(doc.at("/paths/~1items/get/tags").toString()).isEqualTo("[\"items\"]");
      assertThat(doc.at("/paths/~1items~1{item_id}/get/responses/404/description").asText()).isEqualTo("Not found");
      assertThat(doc.at("/paths/~1admin/post/tags").toString()).isEqualTo("[\"admin\"]");
      assertThat(doc.at("/paths/~1admin/post/responses/418/description").asText()).isEqualTo("I'm a teapot");
    }
  }
}
