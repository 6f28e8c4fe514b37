package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/02-path-params.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PathParamsTest {
  @Test
  void convertsTheSegmentToTheParameterType() {
    try (TestClient client = TestClient.start(PathParams.app())) {
      assertThat(client.get("/items/3").json()).isEqualTo(json("{'item_id': 3}"));
      TestResponse bad = client.get("/items/foo");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json()).isEqualTo(json("""
          {'detail': [{'type': 'int_parsing', 'loc': ['path', 'item_id'],
            'msg': 'Input should be a valid integer, unable to parse string as an integer', 'input': 'foo'}]}"""));
    }
  }

  @Test
  void aLiteralPathWinsOverATemplate() {
    try (TestClient client = TestClient.start(PathParams.app())) {
      assertThat(client.get("/users/me").json()).isEqualTo(json("{'user_id': 'the current user'}"));
      assertThat(client.get("/users/rick").json()).isEqualTo(json("{'user_id': 'rick'}"));
    }
  }

  @Test
  void anEnumTakesOnlyItsValues() {
    try (TestClient client = TestClient.start(PathParams.app())) {
      assertThat(client.get("/models/lenet").json())
          .isEqualTo(json("{'model_name': 'lenet', 'message': 'LeCNN all the images'}"));
      TestResponse bad = client.get("/models/vgg");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json().at("/detail/0/type").asText()).isEqualTo("enum");
      assertThat(bad.json().at("/detail/0/loc")).isEqualTo(json("['path', 'model_name']"));
      assertThat(bad.json().at("/detail/0/msg").asText()).isEqualTo("Input should be 'alexnet', 'resnet' or 'lenet'");
    }
  }

  @Test
  void theDocumentListsTheEnum() {
    try (TestClient client = TestClient.start(PathParams.app())) {
      assertThat(client.get("/openapi.json").json().at("/components/schemas/ModelName"))
          .isEqualTo(json("{'type': 'string', 'enum': ['alexnet', 'resnet', 'lenet'], 'title': 'ModelName'}"));
    }
  }
}
