package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dependency's {@code @Body} beside the handler's: as FastAPI, every body parameter of the route
 * (handler's and dependencies', in FastAPI's order) is read from the body's member named after it
 * once the route has more than one name, errors at {@code ["body", name, ...]}, documented as one
 * {@code Body_<operationId>}; one body alone (or several of one name) reads the whole body as
 * before. Expected answers and the document are FastAPI 0.142's for the twin,
 * {@code benchmarks/fastapi/dependency_body_app.py} ({@code dependency-body-openapi-fastapi.json}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DependencyBodyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Item(String name, double price) {}

  record User(String username) {}

  record Note(String text) {}

  record Who(String username, int importance) {}

  record Solo(Item item) {}

  static final class Deps {
    @Provides
    Note audit(@Body String note) {
      return new Note(note);
    }

    @Provides
    Who owner(@Body User user, @Body @Default("1") int importance) {
      return new Who(user.username(), importance);
    }

    @Provides
    Solo solo(@Body Item item) {
      return new Solo(item);
    }
  }

  static final class Api {
    @Post("/mixed")
    List<Object> mixed(@Body Item item, Note note) {
      return List.of(item.name(), note.text());
    }

    @Post("/deep")
    List<Object> deep(@Body Item item, Who who) {
      return List.of(item.name(), who.username(), who.importance());
    }

    @Post("/alone")
    String alone(Solo solo) {
      return solo.item().name();
    }

    @Post("/same")
    List<Object> same(@Body Item item, Solo other) {
      return List.of(item.name(), other.item().name());
    }
  }

  private static TypedApi api;
  private static TestClient client;

  @BeforeAll
  static void start() {
    api = TypedApi.builder().title("Dependency bodies").provider(new Deps()).controller(new Api()).build();
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

  private static void answers(String path, String body, int status, String expected) throws IOException {
    TestResponse r = post(path, body);
    assertThat(r.status()).as(path + " " + body + ": " + r.text()).isEqualTo(status);
    assertThat(r.json()).as(path + " " + body).isEqualTo(JSON.readTree(expected));
  }

  private static final String NOTE_AND_ITEM_MISSING = "{\"detail\":["
      + "{\"type\":\"missing\",\"loc\":[\"body\",\"note\"],\"msg\":\"Field required\",\"input\":null},"
      + "{\"type\":\"missing\",\"loc\":[\"body\",\"item\"],\"msg\":\"Field required\",\"input\":null}]}";

  @Test
  void aDependencysBodyIsEmbeddedBesideTheHandlers() throws IOException {
    answers("/mixed", "{\"item\":{\"name\":\"a\",\"price\":1},\"note\":\"hi\"}", 200, "[\"a\",\"hi\"]");
    answers("/mixed", "{\"item\":{\"name\":5},\"note\":3}", 422, "{\"detail\":["
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"note\"],\"msg\":\"Input should be a valid string\",\"input\":3},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"item\",\"name\"],\"msg\":\"Input should be a valid string\",\"input\":5},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"item\",\"price\"],\"msg\":\"Field required\",\"input\":{\"name\":5}}]}");
    for (String body : List.of("{\"name\":\"a\",\"price\":1}", "[1]", "null", "")) {
      answers("/mixed", body, 422, NOTE_AND_ITEM_MISSING);
    }
  }

  @Test
  void aDependencyWithSeveralBodiesAndADefault() throws IOException {
    answers("/deep", "{\"item\":{\"name\":\"a\",\"price\":1},\"user\":{\"username\":\"u\"}}", 200, "[\"a\",\"u\",1]");
    answers("/deep", "{\"item\":{\"name\":\"a\",\"price\":1},\"user\":{\"username\":\"u\"},\"importance\":\"x\"}", 422,
        "{\"detail\":[{\"type\":\"int_parsing\",\"loc\":[\"body\",\"importance\"],"
            + "\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"}]}");
    answers("/deep", "{}", 422, "{\"detail\":["
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"user\"],\"msg\":\"Field required\",\"input\":null},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"item\"],\"msg\":\"Field required\",\"input\":null}]}");
  }

  @Test
  void oneBodyOrOneNameReadsTheWholeBody() throws IOException {
    answers("/alone", "{\"name\":\"a\",\"price\":1}", 200, "\"a\"");
    answers("/alone", "{\"item\":{\"name\":\"a\",\"price\":1}}", 422, "{\"detail\":["
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"input\":{\"item\":{\"name\":\"a\",\"price\":1}}},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Field required\",\"input\":{\"item\":{\"name\":\"a\",\"price\":1}}}]}");
    answers("/same", "{\"name\":\"a\",\"price\":1}", 200, "[\"a\",\"a\"]");
    answers("/same", "{\"name\":\"a\"}", 422, "{\"detail\":["
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Field required\",\"input\":{\"name\":\"a\"}},"
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"price\"],\"msg\":\"Field required\",\"input\":{\"name\":\"a\"}}]}");
  }

  @Test
  void documentsAsFastApiDoes() throws IOException {
    JsonNode expected;
    try (InputStream in = DependencyBodyTest.class.getResourceAsStream("/typed/dependency-body-openapi-fastapi.json")) {
      expected = JSON.readTree(in);
    }
    JsonNode actual = api.openApi();
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/dependency-body-openapi-lanes.json"),
        actual.toPrettyString());
    assertThat(actual.get("paths")).isEqualTo(expected.get("paths"));
    assertThat(actual.at("/components/schemas")).isEqualTo(expected.at("/components/schemas"));
  }
}
