package dev.lanes.typed;

import static dev.lanes.typed.TypedClients.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
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
 * Jakarta constraints on type arguments ({@code List<@Size(max = 3) String>},
 * {@code Map<String, @Positive Integer>}) check each element as pydantic checks
 * {@code list[Annotated[str, Field(max_length=3)]]}: errors at the element's index or key, the
 * constraint documented in {@code items} or {@code additionalProperties}. Expected bodies and
 * schemas are FastAPI 0.142's for the same models.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ElementConstraintTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Tagged(List<@Size(max = 3) String> tags, @Default("[]") List<@Min(1) Integer> nums,
                @Default("{}") Map<String, @Positive Integer> scores) {}

  static final class Api {
    @Post("/tagged")
    int tagged(@Body Tagged t) {
      return t.tags().size() + t.nums().size() + t.scores().size();
    }

    @Post("/tags")
    int tags(@Body List<@Size(max = 3) String> t) {
      return t.size();
    }

    @Get("/n")
    List<Integer> n(@Query @Default("[]") List<@Min(1) Integer> n, @Query Optional<List<@Size(max = 2) String>> s) {
      return n;
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

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  @Test
  void eachElementIsCheckedAtItsIndexOrKey() throws IOException {
    assertThat(errors(client.post("/tagged", "{\"tags\":[\"abcd\",\"ab\",5],\"nums\":[0,2,\"x\"],"
        + "\"scores\":{\"a\":0,\"b\":3,\"c\":\"q\"}}", "application/json"))).isEqualTo(json("["
        + "{\"type\":\"string_too_long\",\"loc\":[\"body\",\"tags\",0],\"msg\":\"String should have at most 3 characters\",\"input\":\"abcd\",\"ctx\":{\"max_length\":3}},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"tags\",2],\"msg\":\"Input should be a valid string\",\"input\":5},"
        + "{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"nums\",0],\"msg\":\"Input should be greater than or equal to 1\",\"input\":0,\"ctx\":{\"ge\":1}},"
        + "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"nums\",2],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        + "{\"type\":\"greater_than\",\"loc\":[\"body\",\"scores\",\"a\"],\"msg\":\"Input should be greater than 0\",\"input\":0,\"ctx\":{\"gt\":0}},"
        + "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"scores\",\"c\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"q\"}]"));
    assertThat(errors(client.post("/tags", "[\"abcd\"]", "application/json"))).isEqualTo(json(
        "[{\"type\":\"string_too_long\",\"loc\":[\"body\",0],\"msg\":\"String should have at most 3 characters\",\"input\":\"abcd\",\"ctx\":{\"max_length\":3}}]"));
    assertThat(errors(client.get("/n?n=0&n=2&n=x&s=abc"))).isEqualTo(json("["
        + "{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"n\",0],\"msg\":\"Input should be greater than or equal to 1\",\"input\":\"0\",\"ctx\":{\"ge\":1}},"
        + "{\"type\":\"int_parsing\",\"loc\":[\"query\",\"n\",2],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        + "{\"type\":\"string_too_long\",\"loc\":[\"query\",\"s\",0],\"msg\":\"String should have at most 2 characters\",\"input\":\"abc\",\"ctx\":{\"max_length\":2}}]"));
  }

  @Test
  void elementsThatFitPassStreamedOrNot() {
    TestResponse r = client.post("/tagged", "{\"tags\":[\"abc\"],\"nums\":[1,2],\"scores\":{\"a\":1}}", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("4");
    r = client.post("/tagged", "{\"tags\":[\"abc\"],\"nums\":[\"1\"]}", "application/json"); // coerced: the tree path
    assertThat(r.text()).isEqualTo("2");
    assertThat(client.get("/n?n=1&n=2").text()).isEqualTo("[1,2]");
  }

  @Test
  void theConstraintIsDocumentedOnTheElement() throws IOException {
    JsonNode doc = client.get("/openapi.json").json();
    // FastAPI writes a model field's bounds as floats (1.0, 0.0): the same numbers.
    assertThat(doc.at("/components/schemas/Tagged")).isEqualTo(json("{\"properties\":{"
        + "\"tags\":{\"items\":{\"type\":\"string\",\"maxLength\":3},\"type\":\"array\",\"title\":\"Tags\"},"
        + "\"nums\":{\"items\":{\"type\":\"integer\",\"minimum\":1},\"type\":\"array\",\"title\":\"Nums\",\"default\":[]},"
        + "\"scores\":{\"additionalProperties\":{\"type\":\"integer\",\"exclusiveMinimum\":0},\"type\":\"object\",\"title\":\"Scores\",\"default\":{}}},"
        + "\"type\":\"object\",\"required\":[\"tags\"],\"title\":\"Tagged\"}"));
    assertThat(doc.at("/paths/~1tags/post/requestBody")).isEqualTo(json("{\"content\":{\"application/json\":{\"schema\":"
        + "{\"items\":{\"type\":\"string\",\"maxLength\":3},\"type\":\"array\",\"title\":\"T\"}}},\"required\":true}"));
    assertThat(doc.at("/paths/~1n/get/parameters")).isEqualTo(json("["
        + "{\"name\":\"n\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":1},\"default\":[],\"title\":\"N\"}},"
        + "{\"name\":\"s\",\"in\":\"query\",\"required\":false,\"schema\":{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":2}},{\"type\":\"null\"}],\"title\":\"S\"}}]"));
  }

  static final class Misplaced {
    @Get("/m")
    String m(@Query List<@Min(1) String> m) {
      return "";
    }
  }

  @Test
  void aConstraintThatDoesNotFitItsElementFailsTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new Misplaced()).build())
        .hasMessageContaining("element: @Min does not apply to String");
  }
}
