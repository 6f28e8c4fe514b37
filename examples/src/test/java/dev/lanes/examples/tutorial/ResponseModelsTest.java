package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/08-response-models.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseModelsTest {
  private static final String ALICE =
      "{\"username\": \"alice\", \"password\": \"correct horse\", \"email\": \"alice@example.com\"}";

  @Test
  void thePasswordGoesInAndNeverComesOut() {
    try (TestClient client = TestClient.start(ResponseModels.app())) {
      TestResponse created = client.postJson("/users", ALICE);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json()).isEqualTo(json("{'username': 'alice', 'email': 'alice@example.com', 'fullName': null}"));
      assertThat(client.get("/users").json()).isEqualTo(json("[" + created.text() + "]"));
      assertThat(client.get("/users/alice").text()).doesNotContain("password", "correct horse");
      assertThat(client.postJson("/users", ALICE.replace("correct horse", "short")).json().at("/detail/0/type").asText())
          .isEqualTo("string_too_short");
    }
  }

  @Test
  void anEmptyOptionalIs404AndDeleteIs204() {
    try (TestClient client = TestClient.start(ResponseModels.app())) {
      TestResponse missing = client.get("/users/bob");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json()).isEqualTo(json("{'detail': 'Not Found'}"));
      client.postJson("/users", ALICE);
      TestResponse deleted = client.delete("/users/alice");
      assertThat(deleted.status()).isEqualTo(204);
      assertThat(deleted.body()).isEmpty();
      assertThat(client.get("/users/alice").status()).isEqualTo(404);
    }
  }

  @Test
  void theDocumentSaysWhatGoesInAndWhatComesOut() {
    try (TestClient client = TestClient.start(ResponseModels.app())) {
      JsonNode post = client.get("/openapi.json").json().at("/paths/~1users/post");
      assertThat(post.get("summary").asText()).isEqualTo("Create a user");
      assertThat(post.get("description").asText()).isEqualTo("The password is checked, then forgotten.");
      assertThat(post.get("tags")).isEqualTo(json("['users']"));
      assertThat(post.at("/requestBody/content/application~1json/schema/$ref").asText())
          .isEqualTo("#/components/schemas/UserIn");
      assertThat(post.at("/responses/201/content/application~1json/schema/$ref").asText())
          .isEqualTo("#/components/schemas/UserOut");
      JsonNode out = client.get("/openapi.json").json().at("/components/schemas/UserOut/properties");
      assertThat(out.has("password")).isFalse();
    }
  }
}
