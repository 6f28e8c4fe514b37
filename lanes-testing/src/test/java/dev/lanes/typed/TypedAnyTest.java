package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Object}, {@code JsonNode}, {@code Map<String, Object>} and {@code List<Object>} read as
 * pydantic reads {@code Any}, {@code dict[str, Any]} and {@code list[Any]}: any JSON value, passed
 * on as Jackson's natural Java value (or the tree for {@code JsonNode}), documented as FastAPI does.
 * Expected 422 bodies and the document are FastAPI 0.142's for the twin,
 * {@code benchmarks/fastapi/any_app.py} ({@code any-openapi-fastapi.json}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedAnyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Event(String name, Object payload, Map<String, Object> meta, JsonNode raw, List<Object> tags,
               Optional<Object> note) {}

  static final class Api {
    @Post("/events")
    List<String> events(@Body Event e) {
      List<String> out = new ArrayList<>();
      out.add(String.valueOf(e.payload() == null ? null : e.payload().getClass().getName()));
      e.meta().forEach((k, v) -> out.add(k + "=" + (v == null ? null : v.getClass().getName())));
      out.add(e.raw().getClass().getSimpleName());
      e.tags().forEach(t -> out.add(t == null ? "null" : t.getClass().getName()));
      out.add(e.note().map(n -> n.getClass().getName()).orElse("empty"));
      return out;
    }

    @Post("/raw")
    Map<String, Object> raw(@Body Map<String, Object> data) {
      return data;
    }

    @Post("/tree")
    JsonNode tree(@Body JsonNode value) {
      return value;
    }

    @Post("/object")
    Object object(@Body Object value) {
      return value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value;
    }

    @Get("/text")
    List<Object> text(@Query Object q) {
      return List.of(q.getClass().getName(), q);
    }

    @Post("/values")
    List<Object> values(@Body List<Object> values) {
      return values;
    }
  }

  private static TypedApi api;
  private static TestClient client;

  @BeforeAll
  static void start() {
    api = TypedApi.builder().title("Any").controller(new Api()).build();
    client = TestClient.start(api.install(App.builder()).build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static TestResponse post(String path, String body) {
    return client.send(client.request(path).header("content-type", "application/json")
        .POST(body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  private static JsonNode errors(String path, String body) {
    TestResponse r = post(path, body);
    assertThat(r.status()).as(path + " " + body + ": " + r.text()).isEqualTo(422);
    return r.json().get("detail");
  }

  @Test
  void anyJsonValueComesBackAsSent() throws IOException {
    String body = "{\"a\":[1,2.5,\"x\",true,null,{\"b\":{}}],\"big\":123456789012345678901234567890,\"n\":null}";
    for (String path : List.of("/raw", "/tree", "/object")) {
      TestResponse r = post(path, body);
      assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
      assertThat(r.json()).as(path).isEqualTo(json(body));
    }
    for (String scalar : List.of("5", "\"s\"", "false", "[1,{\"a\":null}]", "-0.5")) {
      for (String path : List.of("/tree", "/object")) {
        TestResponse r = post(path, scalar);
        assertThat(r.status()).as(path + " " + scalar + ": " + r.text()).isEqualTo(200);
        assertThat(r.json()).as(path + " " + scalar).isEqualTo(json(scalar));
      }
    }
    TestResponse r = post("/values", "[1,\"a\",null,{\"k\":[true]}]");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(json("[1,\"a\",null,{\"k\":[true]}]"));
  }

  @Test
  void componentsAreJacksonsNaturalValues() {
    String meta = "\"meta\":{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234567890,\"d\":1.5,"
        + "\"s\":\"x\",\"t\":true,\"o\":{},\"a\":[]";
    String natural = "\"i=java.lang.Integer\",\"l=java.lang.Long\",\"b=" + BigInteger.class.getName() + "\","
        + "\"d=java.lang.Double\",\"s=java.lang.String\",\"t=java.lang.Boolean\","
        + "\"o=" + LinkedHashMap.class.getName() + "\",\"a=" + ArrayList.class.getName() + "\"";
    // every value fits: read straight from the bytes
    TestResponse r = post("/events", "{\"name\":\"a\",\"payload\":{\"x\":null}," + meta + "},"
        + "\"raw\":{\"r\":1},\"tags\":[1],\"note\":\"n\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().toString()).isEqualTo("[\"" + LinkedHashMap.class.getName() + "\"," + natural
        + ",\"ObjectNode\",\"java.lang.Integer\",\"java.lang.String\"]");
    // nulls where the record, map or list holds them: read as a tree, the same natural values
    r = post("/events", "{\"name\":\"a\",\"payload\":null," + meta + ",\"z\":null},"
        + "\"raw\":null,\"tags\":[1,null],\"note\":null}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().toString()).isEqualTo("[\"null\"," + natural + ",\"z=null\",\"" + NullNode.class.getSimpleName()
        + "\",\"java.lang.Integer\",\"null\",\"empty\"]");
  }

  @Test
  void fromAQueryItIsTheText() throws IOException {
    TestResponse r = client.get("/text?q=5");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(json("[\"java.lang.String\",\"5\"]")); // FastAPI answers ["5"]
    r = client.get("/text");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json()).isEqualTo(json(
        "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"query\",\"q\"],\"msg\":\"Field required\",\"input\":null}]}"));
  }

  @Test
  void refusesWhatFastApiRefuses() throws IOException {
    assertThat(errors("/events", "{\"name\":\"a\",\"meta\":{},\"raw\":1,\"tags\":[]}")).isEqualTo(json(
        "[{\"type\":\"missing\",\"loc\":[\"body\",\"payload\"],\"msg\":\"Field required\","
            + "\"input\":{\"name\":\"a\",\"meta\":{},\"raw\":1,\"tags\":[]}}]"));
    assertThat(errors("/events", "{\"name\":\"a\",\"payload\":1,\"meta\":[1],\"raw\":1,\"tags\":{\"a\":1}}")).isEqualTo(json(
        "[{\"type\":\"dict_type\",\"loc\":[\"body\",\"meta\"],\"msg\":\"Input should be a valid dictionary\",\"input\":[1]},"
            + "{\"type\":\"list_type\",\"loc\":[\"body\",\"tags\"],\"msg\":\"Input should be a valid list\",\"input\":{\"a\":1}}]"));
    assertThat(errors("/raw", "[1]")).isEqualTo(json(
        "[{\"type\":\"dict_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary\",\"input\":[1]}]"));
    assertThat(errors("/raw", "\"x\"")).isEqualTo(json(
        "[{\"type\":\"dict_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary\",\"input\":\"x\"}]"));
    JsonNode missing = json("[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]");
    assertThat(errors("/raw", "null")).isEqualTo(missing);
    assertThat(errors("/tree", "null")).isEqualTo(missing); // a null body is no body, for Any too
    assertThat(errors("/object", "")).isEqualTo(missing);
    assertThat(errors("/values", "{\"a\":1}")).isEqualTo(json(
        "[{\"type\":\"list_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid list\",\"input\":{\"a\":1}}]"));
  }

  @Test
  void documentsAsFastApiDoes() throws IOException {
    JsonNode expected;
    try (InputStream in = TypedAnyTest.class.getResourceAsStream("/typed/any-openapi-fastapi.json")) {
      expected = JSON.readTree(in);
    }
    JsonNode actual = api.openApi();
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/any-openapi-lanes.json"), actual.toPrettyString());
    assertThat(actual.get("paths")).isEqualTo(expected.get("paths"));
    assertThat(actual.at("/components/schemas")).isEqualTo(expected.at("/components/schemas"));
  }
}
