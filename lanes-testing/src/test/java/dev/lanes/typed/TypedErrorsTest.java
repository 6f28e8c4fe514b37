package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The error types and sources the items contract does not reach, held against FastAPI:
 * {@code probe-fastapi.json} is what FastAPI 0.142.2 answered ({@code benchmarks/fastapi/probe_app.py},
 * {@code capture_probe.py}); this app is its twin. Also the switches around the 422 body.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedErrorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Size {
    @JsonProperty("s") S,
    @JsonProperty("m") M
  }

  record Point(int x, int y) {}

  record ShapeIn(
      @Pattern(regexp = "^[a-z]+$") String name,
      List<Point> points,
      @Default("s") Size size,
      @Default("true") boolean visible,
      @DecimalMax(value = "10", inclusive = false) double weight) {}

  static final class Probe {
    /** Async on purpose: binding and errors are the same on the event loop. */
    @Post("/probe/{code}")
    CompletionStage<Map<String, Object>> probe(
        @Path @Pattern(regexp = "^[A-Z]{3}$") String code,
        @Body ShapeIn shape,
        @Header String xToken,
        @Cookie String session,
        @Query @DecimalMax(value = "5", inclusive = false) @Default("0") int n,
        @Query @Default("false") boolean flag,
        @Query @Default("s") Size size) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("code", code);
      out.put("n", n);
      out.put("flag", flag);
      out.put("size", size);
      out.put("token", xToken);
      out.put("session", session);
      out.put("shape", shape);
      return CompletableFuture.completedFuture(out);
    }
  }

  @Test
  void answersEveryProbeAsFastApiDoes() throws IOException {
    JsonNode steps;
    try (InputStream in = getClass().getResourceAsStream("/typed/probe-fastapi.json")) {
      steps = JSON.readTree(in);
    }
    assertThat(steps.size()).isEqualTo(6);
    TypedApi api = TypedApi.builder().controller(new Probe()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      for (JsonNode step : steps) {
        String name = step.get("name").asText();
        HttpRequest.Builder req = client.request(step.get("path").asText()).method(step.get("method").asText(),
            step.get("body").isNull() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(step.get("body").asText()));
        for (Map.Entry<String, JsonNode> e : step.get("headers").properties()) {
          req.header(e.getKey(), e.getValue().asText());
        }
        TestResponse r = client.send(req);
        assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(step.get("status").asInt());
        assertThat(JSON.readTree(r.body())).as(name).isEqualTo(step.get("response"));
      }
    }
  }

  @Test
  void problemDetailsReplaceFastApisBodyWhenAsked() {
    TypedApi api = TypedApi.builder().controller(new Probe()).problemDetails(true).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse r = client.post("/probe/abc", "[]", "application/json");
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.header("content-type")).contains("application/problem+json");
      assertThat(r.json().get("status").asInt()).isEqualTo(422);
      assertThat(r.json().at("/errors/0/type").asText()).isEqualTo("string_pattern_mismatch");
    }
  }

  @Test
  void anAppExceptionHandlerReplacesTheErrorBody() {
    TypedApi api = TypedApi.builder().controller(new Probe()).build();
    App app = api.install(App.builder())
        .exceptionHandler(RequestValidationException.class,
            e -> Response.text(400, e.errors().size() + " problems: " + e.errors().get(0).type()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.post("/probe/abc", "[]", "application/json");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).isEqualTo("4 problems: string_pattern_mismatch"); // path, header, cookie, body
    }
  }
}
