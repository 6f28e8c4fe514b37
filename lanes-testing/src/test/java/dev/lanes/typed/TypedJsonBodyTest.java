package dev.lanes.typed;

import static dev.lanes.typed.TypedClients.errors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
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
 * JSON bodies over a real socket: the streamed fast path and the tree it falls back to answer
 * alike (duplicate and unknown members, nested records, null vs missing, numbers at the edges,
 * malformed JSON, trailing data, no body), a body shared with a dependency still binds, and
 * malformed JSON is still answered before any dependency runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedJsonBodyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Point(int x, int y) {}

  record Drawing(@Size(min = 1) String name, @Positive double scale, List<Point> points, Optional<String> note) {}

  record Gate() {}

  static final class Guard {
    @Provides
    Gate gate(@Header Optional<String> xPass) {
      if (xPass.isEmpty()) {
        throw new HttpException(401, "no pass");
      }
      return new Gate();
    }
  }

  record Audit(String name) {}

  static final class Auditor {
    @Provides
    Audit audit(@Body Drawing d) {
      return new Audit("audited " + d.name());
    }
  }

  static final class Api {
    @Post("/draw")
    Drawing draw(@Body Drawing d, @Query @Default("0") int n) {
      return d;
    }

    @Post("/guarded")
    Drawing guarded(Gate gate, @Body Drawing d) {
      return d;
    }

    @Post("/shared")
    Map<String, Object> shared(Audit audit, @Body Drawing d) {
      return Map.of("audit", audit.name(), "name", d.name());
    }
  }

  private static TestClient client;

  @BeforeAll
  static void start() {
    TypedApi api = TypedApi.builder().provider(new Guard()).provider(new Auditor()).controller(new Api()).build();
    client = TestClient.start(api.install(App.builder()).build());
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
  void aValidBodyBindsWhateverItsMemberOrder() throws IOException {
    TestResponse r = post("/draw", "{\"points\":[{\"y\":2,\"x\":1}],\"scale\":2,\"extra\":{\"a\":[1,null]},\"name\":\"d\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(json("{\"name\":\"d\",\"scale\":2.0,\"points\":[{\"x\":1,\"y\":2}],\"note\":null}"));
  }

  @Test
  void aMemberSentTwiceKeepsTheLastAsPythonDoes() throws IOException {
    TestResponse r = post("/draw", "{\"name\":\"\",\"name\":\"z\",\"scale\":1,\"points\":[]}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("name").asText()).isEqualTo("z");
    assertThat(errors(post("/draw", "{\"name\":\"z\",\"name\":\"\",\"scale\":1,\"points\":[]}"))).isEqualTo(json(
        "[{\"type\":\"string_too_short\",\"loc\":[\"body\",\"name\"],\"msg\":\"String should have at least 1 character\","
            + "\"input\":\"\",\"ctx\":{\"min_length\":1}}]"));
  }

  @Test
  void nullIsNotMissing() throws IOException {
    assertThat(post("/draw", "{\"name\":\"d\",\"scale\":1,\"points\":[],\"note\":null}").status()).isEqualTo(200);
    assertThat(errors(post("/draw", "{\"name\":null,\"scale\":1,\"points\":[]}"))).isEqualTo(json(
        "[{\"type\":\"string_type\",\"loc\":[\"body\",\"name\"],\"msg\":\"Input should be a valid string\",\"input\":null}]"));
    assertThat(errors(post("/draw", "{\"scale\":1,\"points\":[]}"))).isEqualTo(json(
        "[{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"input\":{\"scale\":1,\"points\":[]}}]"));
  }

  @Test
  void everyErrorOfTheRequestTogetherInDeclarationOrder() throws IOException {
    TestResponse r = client.post("/draw?n=x", "{\"points\":[{\"x\":1},{\"x\":\"a\",\"y\":2}],\"scale\":0,\"name\":\"\"}",
        "application/json");
    assertThat(errors(r)).isEqualTo(json("["
        + "{\"type\":\"int_parsing\",\"loc\":[\"query\",\"n\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        + "{\"type\":\"string_too_short\",\"loc\":[\"body\",\"name\"],\"msg\":\"String should have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}},"
        + "{\"type\":\"greater_than\",\"loc\":[\"body\",\"scale\"],\"msg\":\"Input should be greater than 0\",\"input\":0,\"ctx\":{\"gt\":0.0}},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"points\",0,\"y\"],\"msg\":\"Field required\",\"input\":{\"x\":1}},"
        + "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"points\",1,\"x\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"a\"}"
        + "]"));
  }

  @Test
  void numbersAtTheEdges() throws IOException {
    JsonNode e = errors(post("/draw", "{\"name\":\"d\",\"scale\":1e400,\"points\":[]}"));
    assertThat(e.at("/0/type").asText()).isEqualTo("finite_number");
    assertThat(e.at("/0/input").asText()).isEqualTo("Infinity");
    // Past Java's int, a JSON integer is out of range, as the same number sent as text or as 2.0e9 is
    // (pydantic's int is unbounded; its int_parsing_size is about strings of 4300 digits).
    e = errors(post("/draw", "{\"name\":\"d\",\"scale\":1,\"points\":[{\"x\":123456789012345678901234567890,\"y\":-2147483649}]}"));
    assertThat(e).isEqualTo(json("["
        + "{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"points\",0,\"x\"],\"msg\":\"Input should be less than or equal to 2147483647\","
        + "\"input\":123456789012345678901234567890,\"ctx\":{\"le\":2147483647}},"
        + "{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"points\",0,\"y\"],\"msg\":\"Input should be greater than or equal to -2147483648\","
        + "\"input\":-2147483649,\"ctx\":{\"ge\":-2147483648}}]"));
    assertThat(errors(post("/draw", "{\"name\":\"d\",\"scale\":1,\"points\":[{\"x\":2147483648,\"y\":\"2147483648\"}]}"))
        .findValuesAsText("type")).containsExactly("less_than_equal", "less_than_equal");
    TestResponse r = post("/draw", "{\"name\":\"d\",\"scale\":1.7976931348623157e308,\"points\":[{\"x\":-2147483648,\"y\":2147483647}]}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().at("/points/0/x").asInt()).isEqualTo(Integer.MIN_VALUE);
  }

  @Test
  void malformedJsonAtAnyPointIsReportedAloneInPythonsWords() {
    String[][] cases = {
        {"{\"name\":", "Expecting value", "8"},
        {"{\"name\":\"d\",", "Expecting property name enclosed in double quotes", "12"},
        {"{\"name\" \"d\"}", "Expecting ':' delimiter", "8"},
        {"{\"name\":\"d\" \"scale\":1}", "Expecting ',' delimiter", "12"},
        {"{\"name\":\"d\",\"scale\":1,\"points\":[]}x", "Extra data", "34"},
        {"{\"name\":\"d\",\"scale\":1,\"points\":[]} {}", "Extra data", "35"},
        {" ", "Expecting value", "1"},
    };
    for (String[] c : cases) {
      JsonNode e = errors(client.post("/draw?n=x", c[0], "application/json"));
      assertThat(e.size()).as(c[0]).isEqualTo(1); // alone: not even the query's error
      assertThat(e.at("/0/type").asText()).isEqualTo("json_invalid");
      assertThat(e.at("/0/ctx/error").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(e.at("/0/loc/1").asText()).as(c[0]).isEqualTo(c[2]);
    }
  }

  /**
   * A body Python's json cannot read other than by a syntax error (not UTF-8, nested past its
   * recursion limit) is FastAPI's 400, with no made-up position; nesting never overflows the stack.
   */
  @Test
  void aBodyThatIsNoJsonTextIsFastApisBadRequest() throws IOException {
    JsonNode expected = json("{\"detail\":\"There was an error parsing the body\"}");
    byte[] latin1 = "{\"name\":\"caf\u00e9\",\"scale\":1,\"points\":[]}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    String nested = "[".repeat(1500) + "]".repeat(1500);
    String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    for (TestResponse r : List.of(client.post("/draw", latin1, "application/json"), post("/draw", nested),
        post("/draw", deep), post("/draw", "[".repeat(100_000)), post("/shared", deep))) {
      assertThat(r.status()).as(r.text()).isEqualTo(400);
      assertThat(r.json()).isEqualTo(expected);
    }
  }

  @Test
  void noBodyIsAMissingBody() throws IOException {
    assertThat(errors(client.post("/draw", "", "application/json"))).isEqualTo(json(
        "[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]"));
  }

  /**
   * A body without a Content-Type is text, as FastAPI's default {@code strict_content_type} reads
   * it (a cross-site request may send one without a preflight), unless the API turns that off.
   */
  @Test
  void aBodyWithoutContentTypeIsNotJsonUnlessTheApiSaysSo() throws IOException {
    String body = "{\"name\":\"d\",\"scale\":1,\"points\":[]}";
    for (String path : List.of("/draw", "/shared")) {
      TestResponse r = client.request("POST", path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(errors(r).get(0)).isEqualTo(json("{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],"
          + "\"msg\":\"Input should be a valid dictionary or object to extract fields from\",\"input\":"
          + JSON.writeValueAsString(body) + "}"));
    }
    TypedApi lenient = TypedApi.builder().provider(new Guard()).provider(new Auditor()).controller(new Api()).strictContentType(false).build();
    try (TestClient c = TestClient.start(lenient.install(App.builder()).build())) {
      for (String path : List.of("/draw", "/shared")) {
        TestResponse r = c.request("POST", path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
      }
    }
  }

  /** A JSON null body is no body to FastAPI: missing when required, not a type error. */
  @Test
  void aNullBodyIsAMissingBody() throws IOException {
    assertThat(errors(post("/draw", "null"))).isEqualTo(json(
        "[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]"));
    assertThat(errors(post("/shared", " null "))).isEqualTo(json(
        "[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null},"
            + "{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]"));
  }

  @Test
  void malformedJsonIsAnsweredBeforeAnyDependencyRuns() {
    assertThat(errors(post("/guarded", "{\"name\":")).at("/0/type").asText()).isEqualTo("json_invalid");
    assertThat(post("/guarded", "{\"name\":\"d\",\"scale\":1,\"points\":[]}").status()).isEqualTo(401);
  }

  @Test
  void aBodySharedWithADependencyStillBindsForBoth() throws IOException {
    TestResponse r = post("/shared", "{\"name\":\"d\",\"scale\":1,\"points\":[]}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(json("{\"audit\":\"audited d\",\"name\":\"d\"}"));
    assertThat(errors(post("/shared", "{\"name\":\"\",\"scale\":1,\"points\":[]}")).findValuesAsText("type"))
        .containsExactly("string_too_short", "string_too_short"); // the dependency's, then the handler's
  }
}
