package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/03-query-params.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryParamsTest {
  @Test
  void defaultsApplyWhenLeftOut() {
    try (TestClient client = TestClient.start(QueryParams.app())) {
      assertThat(client.get("/items").json().size()).isEqualTo(3);
      assertThat(client.get("/items?skip=1&limit=1").json()).isEqualTo(json("[{'item_name': 'Bar'}]"));
      assertThat(client.get("/items?skip=0&skip=2").json()).as("the last value of a repeated key")
          .isEqualTo(json("[{'item_name': 'Baz'}]"));
      assertThat(client.get("/items?skip=x").json().at("/detail/0/loc")).isEqualTo(json("['query', 'skip']"));
    }
  }

  @Test
  void optionalAndBooleanParameters() {
    try (TestClient client = TestClient.start(QueryParams.app())) {
      assertThat(client.get("/items/foo").json()).isEqualTo(
          json("{'item_id': 'foo', 'description': 'This is an amazing item that has a long description'}"));
      for (String yes : new String[] {"1", "true", "True", "on", "yes"}) {
        assertThat(client.get("/items/foo?q=x&short=" + yes).json()).as(yes)
            .isEqualTo(json("{'item_id': 'foo', 'q': 'x'}"));
      }
      TestResponse bad = client.get("/items/foo?short=maybe");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json().at("/detail/0/type").asText()).isEqualTo("bool_parsing");
    }
  }

  @Test
  void aParameterWithoutDefaultIsRequired() {
    try (TestClient client = TestClient.start(QueryParams.app())) {
      TestResponse missing = client.get("/needy/foo");
      assertThat(missing.status()).isEqualTo(422);
      assertThat(missing.json()).isEqualTo(json(
          "{'detail': [{'type': 'missing', 'loc': ['query', 'needy'], 'msg': 'Field required', 'input': null}]}"));
      assertThat(client.get("/needy/foo?needy=sooooneedy").json())
          .isEqualTo(json("{'item_id': 'foo', 'needy': 'sooooneedy'}"));
    }
  }
}
