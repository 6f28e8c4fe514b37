package dev.lanes.typed;

import static dev.lanes.typed.TypedClients.errors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several {@code @Body} parameters, and {@code @Body(embed = true)}, read each from the body's
 * member named after it, as FastAPI embeds them: errors at {@code ["body", name, ...]}, a
 * missing or null member (or a body that is no object) {@code missing} with input null, the
 * document's {@code Body_<operationId>} schema. Expected bodies and schemas are FastAPI 0.142's
 * for the same handlers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedBodyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Color { red }

  record Item(String name, double price) {}

  record User(String username) {}

  record Point(int x) {}

  record Marked(Optional<Point> p, Optional<Color> c) {}

  static final class Api {
    @Put("/items/{item_id}")
    List<Object> update(@Path long itemId, @Body Item item, @Body User user) {
      return List.of(itemId, item.name(), user.username());
    }

    @Put("/embed")
    String embed(@Body(embed = true) Item item) {
      return item.name();
    }

    @Put("/three")
    List<Object> three(@Body Item item, @Body Optional<User> user, @Body @Default("5") int importance) {
      return List.of(item.name(), user.isPresent(), importance);
    }

    @Post("/marked")
    String marked(@Body Marked m) {
      return "";
    }
  }

  private static TestClient client;

  @BeforeAll
  static void start() {
    client = TypedClients.of(new Api());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse put(String path, String body) {
    return client.send(client.request(path).header("content-type", "application/json")
        .PUT(body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  private static final String BOTH_MISSING = "["
      + "{\"type\":\"missing\",\"loc\":[\"body\",\"item\"],\"msg\":\"Field required\",\"input\":null},"
      + "{\"type\":\"missing\",\"loc\":[\"body\",\"user\"],\"msg\":\"Field required\",\"input\":null}]";

  @Test
  void eachBodyIsTheMemberNamedAfterIt() throws IOException {
    TestResponse r = put("/items/1", "{\"item\":{\"name\":\"a\",\"price\":1},\"user\":{\"username\":\"u\"}}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[1,\"a\",\"u\"]");
    assertThat(errors(put("/items/1", "{\"item\":{\"name\":\"a\"},\"user\":{}}"))).isEqualTo(json("["
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"item\",\"price\"],\"msg\":\"Field required\",\"input\":{\"name\":\"a\"}},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"user\",\"username\"],\"msg\":\"Field required\",\"input\":{}}]"));
  }

  @Test
  void aMissingMemberOrABodyThatIsNoObjectIsMissingEach() throws IOException {
    for (String body : List.of("{\"name\":\"a\",\"price\":1}", "[1]", "null", "\"x\"", "{\"item\":null}")) {
      assertThat(errors(put("/items/1", body))).as(body).isEqualTo(json(BOTH_MISSING));
    }
    assertThat(errors(put("/items/1", ""))).isEqualTo(json(BOTH_MISSING));
  }

  @Test
  void oneBodyIsEmbeddedWhenAskedTo() throws IOException {
    TestResponse r = put("/embed", "{\"item\":{\"name\":\"a\",\"price\":1}}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().asText()).isEqualTo("a");
    for (String body : List.of("{\"name\":\"a\",\"price\":1}", "null")) {
      assertThat(errors(put("/embed", body))).isEqualTo(json(
          "[{\"type\":\"missing\",\"loc\":[\"body\",\"item\"],\"msg\":\"Field required\",\"input\":null}]"));
    }
  }

  @Test
  void optionalAndDefaultedBodiesMayBeLeftOut() throws IOException {
    TestResponse r = put("/three", "{\"item\":{\"name\":\"a\",\"price\":1}}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[\"a\",false,5]");
    assertThat(errors(put("/three", "{\"item\":{\"name\":\"a\",\"price\":1},\"user\":null,\"importance\":\"x\"}")))
        .isEqualTo(json("[{\"type\":\"int_parsing\",\"loc\":[\"body\",\"importance\"],"
            + "\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"}]"));
  }

  @Test
  void documentedAsFastApisBodySchema() throws IOException {
    JsonNode doc = client.get("/openapi.json").json();
    assertThat(doc.at("/paths/~1items~1{item_id}/put/requestBody")).isEqualTo(json("{\"required\":true,\"content\":"
        + "{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Body_update_items__item_id__put\"}}}}"));
    JsonNode schemas = doc.at("/components/schemas");
    assertThat(schemas.get("Body_update_items__item_id__put")).isEqualTo(json("{\"properties\":{"
        + "\"item\":{\"$ref\":\"#/components/schemas/Item\"},\"user\":{\"$ref\":\"#/components/schemas/User\"}},"
        + "\"type\":\"object\",\"required\":[\"item\",\"user\"],\"title\":\"Body_update_items__item_id__put\"}"));
    assertThat(schemas.get("Body_embed_embed_put")).isEqualTo(json("{\"properties\":{"
        + "\"item\":{\"$ref\":\"#/components/schemas/Item\"}},\"type\":\"object\",\"required\":[\"item\"],"
        + "\"title\":\"Body_embed_embed_put\"}"));
    assertThat(schemas.get("Body_three_three_put")).isEqualTo(json("{\"properties\":{"
        + "\"item\":{\"$ref\":\"#/components/schemas/Item\"},"
        + "\"user\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/User\"},{\"type\":\"null\"}]},"
        + "\"importance\":{\"type\":\"integer\",\"title\":\"Importance\",\"default\":5}},"
        + "\"type\":\"object\",\"required\":[\"item\"],\"title\":\"Body_three_three_put\"}"));
    assertThat(doc.at("/paths/~1three/put/requestBody/required").asBoolean()).isTrue();
    // pydantic titles no field that refers to a model or an enum, nullable or not
    assertThat(schemas.get("Marked")).isEqualTo(json("{\"properties\":{"
        + "\"p\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/Point\"},{\"type\":\"null\"}]},"
        + "\"c\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/Color\"},{\"type\":\"null\"}]}},"
        + "\"type\":\"object\",\"title\":\"Marked\"}"));
  }
}
