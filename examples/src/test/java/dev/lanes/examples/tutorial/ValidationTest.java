package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/05-validation.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ValidationTest {
  @Test
  void stringConstraintsOnAQueryParameter() {
    try (TestClient client = TestClient.start(Validation.app())) {
      assertThat(client.get("/items?q=fixedquery").json())
          .isEqualTo(json("{'q': 'fixedquery', 'tags': ['foo', 'bar']}"));
      assertThat(client.get("/items?tag=a&tag=b").json()).isEqualTo(json("{'q': null, 'tags': ['a', 'b']}"));
      assertThat(client.get("/items?q=fo").json()).isEqualTo(json("""
          {'detail': [{'type': 'string_too_short', 'loc': ['query', 'q'],
            'msg': 'String should have at least 3 characters', 'input': 'fo', 'ctx': {'min_length': 3}}]}"""));
      JsonNode mismatch = client.get("/items?q=nonfixedquery").json().at("/detail/0");
      assertThat(mismatch.get("type").asText()).isEqualTo("string_pattern_mismatch");
      assertThat(mismatch.get("msg").asText()).isEqualTo("String should match pattern '^fixedquery$'");
      assertThat(mismatch.get("ctx")).isEqualTo(json("{'pattern': '^fixedquery$'}"));
    }
  }

  @Test
  void numberConstraintsOnPathAndQuery() {
    try (TestClient client = TestClient.start(Validation.app())) {
      assertThat(client.get("/items/5?size=2.5").json()).isEqualTo(json("{'item_id': 5, 'size': 2.5}"));
      TestResponse bad = client.get("/items/0?size=11");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json()).isEqualTo(json("""
          {'detail': [
            {'type': 'greater_than_equal', 'loc': ['path', 'item_id'], 'msg': 'Input should be greater than or equal to 1',
             'input': '0', 'ctx': {'ge': 1}},
            {'type': 'less_than_equal', 'loc': ['query', 'size'], 'msg': 'Input should be less than or equal to 10.5',
             'input': '11', 'ctx': {'le': 10.5}}]}"""));
      assertThat(client.get("/items/1?size=0").json().at("/detail/0/type").asText()).isEqualTo("greater_than");
    }
  }

  @Test
  void recordComponentsAreCheckedTooAndEveryErrorIsReported() {
    try (TestClient client = TestClient.start(Validation.app())) {
      TestResponse bad = client.postJson("/items", "{\"name\": \"\", \"price\": -1, \"tags\": [\"a\", \"b\", \"c\", \"d\"]}");
      assertThat(bad.status()).isEqualTo(422);
      JsonNode detail = bad.json().get("detail");
      assertThat(detail.findValuesAsText("type")).containsExactly("string_too_short", "greater_than", "too_long");
      assertThat(detail.get(2).get("loc")).isEqualTo(json("['body', 'tags']"));
    }
  }

  @Test
  void theConstraintsAreInTheDocument() {
    try (TestClient client = TestClient.start(Validation.app())) {
      JsonNode doc = client.get("/openapi.json").json();
      JsonNode q = doc.at("/paths/~1items/get/parameters/0/schema/anyOf/0");
      assertThat(q).isEqualTo(json("{'type': 'string', 'minLength': 3, 'maxLength': 50, 'pattern': '^fixedquery$'}"));
      assertThat(doc.at("/paths/~1items~1{item_id}/get/parameters/0/schema"))
          .isEqualTo(json("{'type': 'integer', 'maximum': 1000, 'minimum': 1, 'title': 'Item Id'}"));
      assertThat(doc.at("/components/schemas/Item/properties/price/exclusiveMinimum").asDouble()).isEqualTo(0.0);
    }
  }
}
