package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/07-security.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityTest {
  @Test
  void theBearerTokenNamesTheUser() {
    try (TestClient client = TestClient.start(Security.app())) {
      TestResponse none = client.get("/users/me");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.json()).isEqualTo(json("{'detail': 'Not authenticated'}"));
      assertThat(none.header("www-authenticate")).contains("Bearer");
      TestResponse wrong = client.send(client.request("/users/me").header("Authorization", "Bearer bob-token"));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.json()).isEqualTo(json("{'detail': 'Invalid authentication credentials'}"));
      assertThat(wrong.header("www-authenticate")).contains("Bearer");
      TestResponse alice = client.send(client.request("/users/me").header("Authorization", "Bearer alice-token"));
      assertThat(alice.json()).isEqualTo(json("{'username': 'alice', 'email': 'alice@example.com'}"));
    }
  }

  @Test
  void theApiKeyGuardsTheReports() {
    try (TestClient client = TestClient.start(Security.app())) {
      TestResponse none = client.get("/reports");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.json()).isEqualTo(json("{'detail': 'Not authenticated'}"));
      assertThat(none.header("www-authenticate")).contains("APIKey");
      TestResponse wrong = client.send(client.request("/reports").header("X-API-Key", "guess"));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.json()).isEqualTo(json("{'detail': 'Invalid API key'}"));
      assertThat(client.send(client.request("/reports").header("X-API-Key", "admin-key")).json())
          .isEqualTo(json("['q1', 'q2']"));
    }
  }

  @Test
  void theDocumentHasTheSchemesAndWhichRouteNeedsWhich() {
    try (TestClient client = TestClient.start(Security.app())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/components/securitySchemes")).isEqualTo(json("""
          {'HTTPBearer': {'type': 'http', 'scheme': 'bearer'},
           'APIKeyHeader': {'type': 'apiKey', 'in': 'header', 'name': 'X-API-Key'}}"""));
      assertThat(doc.at("/paths/~1users~1me/get/security")).isEqualTo(json("[{'HTTPBearer': []}]"));
      assertThat(doc.at("/paths/~1reports/get/security")).isEqualTo(json("[{'APIKeyHeader': []}]"));
    }
  }
}
