package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/04-request-body.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestBodyTest {
  @Test
  void readsTheBodyIntoTheRecord() {
    try (TestClient client = TestClient.start(RequestBody.app())) {
      assertThat(client.postJson("/items", "{\"name\": \"Foo\", \"price\": 50.5, \"tax\": 0.5}").json())
          .isEqualTo(json("{'name': 'Foo', 'price': 50.5, 'priceWithTax': 51.0}"));
      assertThat(client.postJson("/items", "{\"name\": \"Foo\", \"price\": \"50.5\"}").json())
          .isEqualTo(json("{'name': 'Foo', 'price': 50.5, 'priceWithTax': 50.5}"));
    }
  }

  @Test
  void bodyPathAndQueryTogether() {
    try (TestClient client = TestClient.start(RequestBody.app())) {
      TestResponse r = client.send(client.request("/items/5?q=x").header("content-type", "application/json").PUT(
          java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"Foo\", \"price\": 1}")));
      assertThat(r.json()).isEqualTo(json("""
          {'item_id': 5, 'item': {'name': 'Foo', 'description': null, 'price': 1.0, 'tax': null}, 'q': 'x'}"""));
    }
  }

  @Test
  void refusesWhatPydanticRefusesAllAtOnce() {
    try (TestClient client = TestClient.start(RequestBody.app())) {
      TestResponse bad = client.postJson("/items", "{\"name\": 5, \"tax\": \"lots\"}");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json()).isEqualTo(json("""
          {'detail': [
            {'type': 'string_type', 'loc': ['body', 'name'], 'msg': 'Input should be a valid string', 'input': 5},
            {'type': 'missing', 'loc': ['body', 'price'], 'msg': 'Field required', 'input': {'name': 5, 'tax': 'lots'}},
            {'type': 'float_parsing', 'loc': ['body', 'tax'],
             'msg': 'Input should be a valid number, unable to parse string as a number', 'input': 'lots'}]}"""));
      TestResponse malformed = client.postJson("/items", "{\"name\": ");
      assertThat(malformed.json().at("/detail/0/type").asText()).isEqualTo("json_invalid");
    }
  }

  @Test
  void theDocumentHasTheBodySchema() {
    try (TestClient client = TestClient.start(RequestBody.app())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/paths/~1items/post/requestBody/content/application~1json/schema/$ref").asText())
          .isEqualTo("#/components/schemas/Item");
      assertThat(doc.at("/components/schemas/Item/required")).isEqualTo(json("['name', 'price']"));
    }
  }
}
