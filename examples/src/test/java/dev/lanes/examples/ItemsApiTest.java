package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The items contract held against FastAPI: {@code items-contract-fastapi.json} is what FastAPI
 * 0.142.2 / pydantic 2.13.5 answered to the same request sequence
 * ({@code benchmarks/fastapi/capture_items_contract.py} against {@code items_app.py}); Lanes must
 * answer every step with the same status and the same JSON, 422 bodies included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ItemsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void answersEveryStepAsFastApiDoes() throws IOException {
    JsonNode steps = fixture("/items-contract-fastapi.json");
    assertThat(steps.size()).as("steps in the fixture").isGreaterThan(40);
    try (TestClient client = TestClient.start(ItemsApi.addTo(App.builder(), "secret").build())) {
      for (JsonNode step : steps) {
        String name = step.get("name").asText();
        HttpRequest.Builder req = client.request(step.get("path").asText()).method(step.get("method").asText(),
            step.get("body").isNull() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(step.get("body").asText()));
        for (Map.Entry<String, JsonNode> e : step.get("headers").properties()) {
          req.header(e.getKey(), e.getValue().asText());
        }
        TestResponse r = client.send(req);
        assertThat(r.status()).as(name + ": status; body " + r.text()).isEqualTo(step.get("status").asInt());
        JsonNode expected = step.get("response");
        if (expected.isNull()) {
          assertThat(r.body()).as(name + ": no body").isEmpty();
        } else {
          assertThat(JSON.readTree(r.body())).as(name).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void servesTheSameDocumentAsFastApi() throws IOException {
    JsonNode expected = fixture("/items-openapi-fastapi.json");
    try (TestClient client = TestClient.start(ItemsApi.addTo(App.builder(), "secret").build())) {
      JsonNode actual = JSON.readTree(client.get("/openapi.json").body());
      java.nio.file.Files.writeString(java.nio.file.Path.of("target/items-openapi-lanes.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual));
      assertThat(actual.get("openapi").asText()).isEqualTo("3.1.0");
      assertThat(actual.get("components")).isEqualTo(expected.get("components"));
      assertThat(actual.get("paths")).isEqualTo(expected.get("paths"));
    }
  }

  @Test
  void servesSwaggerUiFromTheAppItself() {
    try (TestClient client = TestClient.start(ItemsApi.addTo(App.builder(), "secret").build())) {
      TestResponse page = client.get("/docs");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.text()).contains("url: '/openapi.json'", "src=\"/docs/swagger-ui-bundle.js\"",
          "href=\"/docs/swagger-ui.css\"").doesNotContain("https://", "http://");
      TestResponse js = client.get("/docs/swagger-ui-bundle.js");
      assertThat(js.status()).isEqualTo(200);
      assertThat(js.header("content-type")).contains("text/javascript; charset=utf-8");
      assertThat(js.text()).contains("SwaggerUIBundle");
      assertThat(client.get("/docs/swagger-ui.css").header("content-type")).contains("text/css; charset=utf-8");
      assertThat(client.get("/redoc").text()).contains("<redoc spec-url=\"/openapi.json\">");
    }
  }

  @Test
  void concurrentFirstRequestsForABundleAllGetIt() throws Exception {
    try (TestClient client = TestClient.start(ItemsApi.addTo(App.builder(), "secret").build());
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<TestResponse>> responses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        responses.add(clients.submit(() -> client.get("/redoc/redoc.standalone.js")));
      }
      int length = -1;
      for (Future<TestResponse> f : responses) {
        TestResponse js = f.get(30, TimeUnit.SECONDS);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("cache-control")).contains("public, max-age=86400");
        assertThat(js.text()).contains("Redoc");
        length = length < 0 ? js.text().length() : length;
        assertThat(js.text()).hasSize(length);
      }
    }
  }

  @Test
  void theKeyComesFromTheCaller() {
    try (TestClient client = TestClient.start(ItemsApi.addTo(App.builder(), "other").build())) {
      assertThat(client.send(client.request("/items").header("X-API-Key", "secret")).status()).isEqualTo(401);
      assertThat(client.send(client.request("/items").header("X-API-Key", "other")).text()).isEqualTo("[]");
    }
  }

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = ItemsApiTest.class.getResourceAsStream(name)) {
      return JSON.readTree(in);
    }
  }
}
