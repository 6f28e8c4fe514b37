package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/01-first-steps.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirstStepsTest {
  @Test
  void answersHelloWorld() {
    try (TestClient client = TestClient.start(FirstSteps.app())) {
      assertThat(client.get("/").json()).isEqualTo(json("{'message': 'Hello World'}"));
    }
  }

  @Test
  void documentsTheRouteAndServesBothDocsPages() {
    try (TestClient client = TestClient.start(FirstSteps.app())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/openapi").asText()).isEqualTo("3.1.0");
      assertThat(doc.at("/info")).isEqualTo(json("{'title': 'First steps', 'version': '0.1.0'}"));
      JsonNode get = doc.at("/paths/~1/get");
      assertThat(get.get("summary").asText()).isEqualTo("Root");
      assertThat(get.get("operationId").asText()).isEqualTo("root__get");
      assertThat(get.at("/responses/200/description").asText()).isEqualTo("Successful Response");
      assertThat(client.get("/docs").text()).contains("swagger-ui-bundle.js");
      assertThat(client.get("/redoc").text()).contains("redoc.standalone.js");
    }
  }
}
