package dev.lanes.typed;

import static dev.lanes.typed.TypedClients.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Map<K, V>} components and bodies read as pydantic reads {@code dict[K, V]}: every value
 * checked as its type, errors at {@code ["body", field, key]}, a bad key at {@code [..., key, "[key]"]},
 * documented as {@code additionalProperties}. Expected bodies and schemas are FastAPI 0.142's for
 * the same models.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedMapTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Color { red, blue }

  record Point(int x, int y) {}

  record Bag(Map<String, Integer> counts, @Default("{}") Map<String, Point> points,
             @Default("{}") Map<String, List<String>> tags, @Default("{}") Map<String, Color> colors,
             @Default("{}") Map<String, Optional<String>> notes, Optional<Map<String, Integer>> maybe) {}

  record Sized(@Size(min = 1, max = 2) Map<String, Integer> m) {}

  static final class Api {
    @Post("/sized")
    int sized(@Body Sized s) {
      return s.m().size();
    }

    @Post("/bags")
    List<Object> bags(@Body Bag bag) {
      return List.of(bag.counts(), bag.points().keySet(), bag.tags(), bag.colors(), bag.notes().keySet(),
          bag.maybe().isPresent());
    }

    @Post("/counts")
    Map<String, Integer> counts(@Body Map<String, Integer> c) {
      return c;
    }

    @Post("/intkeys")
    String intkeys(@Body Map<Integer, String> c) {
      return c.keySet().toString();
    }

    @Post("/bycolor")
    String byColor(@Body Map<Color, Integer> c) {
      return c.toString();
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

  private static TestResponse post(String path, String body) {
    return client.post(path, body, "application/json");
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  @Test
  void valuesAreReadAsTheirTypeInTheOrderSent() throws IOException {
    TestResponse r = post("/bags", "{\"counts\":{\"b\":\"2\",\"a\":1.0},\"points\":{\"p\":{\"x\":1,\"y\":2}},"
        + "\"tags\":{\"t\":[\"x\"]},\"colors\":{\"c\":\"red\"},\"notes\":{\"n\":null},\"maybe\":{}}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("[{\"b\":2,\"a\":1},[\"p\"],{\"t\":[\"x\"]},{\"c\":\"red\"},[\"n\"],true]");
    r = post("/counts", "{\"z\":1,\"a\":2}"); // streamed: no coercion needed
    assertThat(r.text()).isEqualTo("{\"z\":1,\"a\":2}");
  }

  @Test
  void everyBadValueIsReportedAtItsKey() throws IOException {
    assertThat(errors(post("/bags", "{\"counts\":{\"a\":1,\"b\":\"x\",\"c\":2.5},\"points\":{\"p\":{\"x\":1},\"q\":5},"
        + "\"tags\":{\"t\":[\"a\",1]},\"colors\":{\"c\":\"green\"},\"notes\":{\"n\":null,\"m\":3}}"))).isEqualTo(json("["
        + "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"counts\",\"b\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        + "{\"type\":\"int_from_float\",\"loc\":[\"body\",\"counts\",\"c\"],\"msg\":\"Input should be a valid integer, got a number with a fractional part\",\"input\":2.5},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"points\",\"p\",\"y\"],\"msg\":\"Field required\",\"input\":{\"x\":1}},"
        + "{\"type\":\"model_attributes_type\",\"loc\":[\"body\",\"points\",\"q\"],\"msg\":\"Input should be a valid dictionary or object to extract fields from\",\"input\":5},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"tags\",\"t\",1],\"msg\":\"Input should be a valid string\",\"input\":1},"
        + "{\"type\":\"enum\",\"loc\":[\"body\",\"colors\",\"c\"],\"msg\":\"Input should be 'red' or 'blue'\",\"input\":\"green\",\"ctx\":{\"expected\":\"'red' or 'blue'\"}},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"notes\",\"m\"],\"msg\":\"Input should be a valid string\",\"input\":3}]"));
  }

  @Test
  void anythingButAnObjectIsDictType() throws IOException {
    for (String counts : List.of("[]", "\"x\"", "null")) {
      assertThat(errors(post("/bags", "{\"counts\":" + counts + "}"))).isEqualTo(json(
          "[{\"type\":\"dict_type\",\"loc\":[\"body\",\"counts\"],\"msg\":\"Input should be a valid dictionary\",\"input\":"
              + counts + "}]"));
    }
    assertThat(errors(post("/counts", "[1]"))).isEqualTo(json(
        "[{\"type\":\"dict_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary\",\"input\":[1]}]"));
    assertThat(errors(post("/counts", "{\"a\":\"1\",\"b\":\"z\"}"))).isEqualTo(json(
        "[{\"type\":\"int_parsing\",\"loc\":[\"body\",\"b\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"z\"}]"));
  }

  @Test
  void keysAreReadAsTheKeyTypeAndABadOneIsReportedAtKey() throws IOException {
    TestResponse r = post("/intkeys", "{\"1\":\"a\",\" 2 \":\"c\",\"3.0\":\"d\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().asText()).isEqualTo("[1, 2, 3]");
    assertThat(errors(post("/intkeys", "{\"x\":5,\"2\":\"ok\"}"))).isEqualTo(json("["
        + "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"x\",\"[key]\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"x\"],\"msg\":\"Input should be a valid string\",\"input\":5}]"));
    assertThat(errors(post("/bycolor", "{\"green\":1}"))).isEqualTo(json(
        "[{\"type\":\"enum\",\"loc\":[\"body\",\"green\",\"[key]\"],\"msg\":\"Input should be 'red' or 'blue'\",\"input\":\"green\","
            + "\"ctx\":{\"expected\":\"'red' or 'blue'\"}}]"));
  }

  @Test
  void documentedAsFastApiDocumentsDict() throws IOException {
    JsonNode doc = client.get("/openapi.json").json();
    assertThat(doc.at("/components/schemas/Bag")).isEqualTo(json("{\"properties\":{"
        + "\"counts\":{\"additionalProperties\":{\"type\":\"integer\"},\"type\":\"object\",\"title\":\"Counts\"},"
        + "\"points\":{\"additionalProperties\":{\"$ref\":\"#/components/schemas/Point\"},\"type\":\"object\",\"title\":\"Points\",\"default\":{}},"
        + "\"tags\":{\"additionalProperties\":{\"items\":{\"type\":\"string\"},\"type\":\"array\"},\"type\":\"object\",\"title\":\"Tags\",\"default\":{}},"
        + "\"colors\":{\"additionalProperties\":{\"$ref\":\"#/components/schemas/Color\"},\"type\":\"object\",\"title\":\"Colors\",\"default\":{}},"
        + "\"notes\":{\"additionalProperties\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},\"type\":\"object\",\"title\":\"Notes\",\"default\":{}},"
        + "\"maybe\":{\"anyOf\":[{\"additionalProperties\":{\"type\":\"integer\"},\"type\":\"object\"},{\"type\":\"null\"}],\"title\":\"Maybe\"}},"
        + "\"type\":\"object\",\"required\":[\"counts\"],\"title\":\"Bag\"}"));
    assertThat(doc.at("/paths/~1counts/post/requestBody")).isEqualTo(json("{\"content\":{\"application/json\":{\"schema\":"
        + "{\"additionalProperties\":{\"type\":\"integer\"},\"type\":\"object\",\"title\":\"C\"}}},\"required\":true}"));
    assertThat(doc.at("/paths/~1bycolor/post/requestBody/content/application~1json/schema")).isEqualTo(json(
        "{\"additionalProperties\":{\"type\":\"integer\"},\"propertyNames\":{\"$ref\":\"#/components/schemas/Color\"},"
            + "\"type\":\"object\",\"title\":\"C\"}"));
  }

  @Test
  void sizeBoundsTheEntriesAsPydanticsDictionaryLength() throws IOException {
    assertThat(post("/sized", "{\"m\":{\"a\":1}}").text()).isEqualTo("1");
    assertThat(errors(post("/sized", "{\"m\":{}}"))).isEqualTo(json("[{\"type\":\"too_short\",\"loc\":[\"body\",\"m\"],"
        + "\"msg\":\"Dictionary should have at least 1 item after validation, not 0\",\"input\":{},"
        + "\"ctx\":{\"field_type\":\"Dictionary\",\"min_length\":1,\"actual_length\":0}}]"));
    assertThat(errors(post("/sized", "{\"m\":{\"a\":1,\"b\":2,\"c\":3}}"))).isEqualTo(json("[{\"type\":\"too_long\","
        + "\"loc\":[\"body\",\"m\"],\"msg\":\"Dictionary should have at most 2 items after validation, not 3\","
        + "\"input\":{\"a\":1,\"b\":2,\"c\":3},\"ctx\":{\"field_type\":\"Dictionary\",\"max_length\":2,\"actual_length\":3}}]"));
    assertThat(client.get("/openapi.json").json().at("/components/schemas/Sized/properties/m")).isEqualTo(json(
        "{\"additionalProperties\":{\"type\":\"integer\"},\"type\":\"object\",\"maxProperties\":2,"
            + "\"minProperties\":1,\"title\":\"M\"}"));
  }

  static final class ObjectKeys {
    @Post("/p")
    String p(@Body Map<Point, String> c) {
      return "";
    }
  }

  static final class QueryMap {
    @Get("/q")
    String q(@Query Map<String, String> q) {
      return "";
    }
  }

  @Test
  void keysThatAreNoScalarAndMapsOutsideTheBodyFailTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new ObjectKeys()).build())
        .hasMessageContaining("a Map's keys are JSON object names");
    assertThatThrownBy(() -> TypedApi.builder().controller(new QueryMap()).build())
        .hasMessageContaining("a Map comes from the JSON body (@Body)");
  }
}
