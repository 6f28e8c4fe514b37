package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.forms.UploadFile;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Doc}'s description, title, examples and deprecation, placed where FastAPI 0.142 places
 * {@code Query(...)}'s, {@code Path(...)}'s, {@code Form(...)}'s and pydantic's {@code Field(...)}'s,
 * in the document a real server serves; held against the twin,
 * {@code benchmarks/fastapi/docs_meta_app.py} ({@code docs-meta-openapi-fastapi.json}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocAnnotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Doc(description = "What an item looks like.")
  enum Color { red, blue }

  @Doc(description = "A label an item is filed under.", title = "Label")
  record Tag(String name) {}

  @Doc(description = "An item to store.")
  record ItemIn(@Doc(description = "What it is called", title = "Item name", examples = "\"hammer\"") String name,
                @Doc(description = "In euros", examples = {"9.5", "12"}) double price,
                @JsonProperty("old_code") @Doc(deprecated = true, description = "Use name") Optional<String> oldCode,
                @Doc(description = "Where it is filed") Tag tag,
                @Default("[]") @Doc(title = "Labels", examples = "[{\"name\": \"tools\"}]") List<Tag> tags) {}

  static final class Api {
    @Get("/items/{item_id}")
    String readItem(@Path @Doc(description = "The item's number", title = "Item", examples = "42") long itemId,
        @Query @Doc(description = "Text to search for", deprecated = true) Optional<String> q,
        @Query @Default("10") @Doc(title = "Limit", examples = {"10", "20"}) int limit,
        @Header @Doc(description = "A trace id") Optional<String> xTrace,
        @Cookie @Doc(description = "The session", examples = "\"abc\"") Optional<String> session,
        @Query @Default("red") @Doc(description = "Which color") Color color, ApiKey key) {
      return "";
    }

    @Post("/items")
    String createItem(@Body ItemIn item, ApiKey key) {
      return item.name();
    }

    @Post("/login")
    String login(@FormField @Doc(description = "Who logs in", examples = "\"ada\"", deprecated = true) String username,
        @FormField @Doc(title = "Secret") String password, ApiKey key) {
      return username;
    }
  }

  private static JsonNode served;
  private static JsonNode fastApi;

  @BeforeAll
  static void serve() throws IOException {
    // a server and a key on every route: Redocly's recommended rules then find nothing to say
    TypedApi api = TypedApi.builder().title("Docs").server("/").provider(ApiKeyAuth.header("X-Key"))
        .controller(new Api()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      served = client.get("/openapi.json").json();
    }
    // for `npx @redocly/cli lint target/docs-meta-openapi-lanes.json`
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/docs-meta-openapi-lanes.json"), served.toPrettyString());
    try (InputStream in = DocAnnotationTest.class.getResourceAsStream("/typed/docs-meta-openapi-fastapi.json")) {
      fastApi = JSON.readTree(in);
    }
  }

  private static JsonNode parameter(JsonNode doc, String name) {
    for (JsonNode p : doc.at("/paths/~1items~1{item_id}/get/parameters")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no parameter " + name + " in " + doc.at("/paths/~1items~1{item_id}/get/parameters"));
  }

  @Test
  void aParametersDescriptionAndDeprecationAreOnItAndItsSchema() {
    JsonNode q = parameter(served, "q");
    assertThat(q.get("description").asText()).isEqualTo("Text to search for");
    assertThat(q.get("deprecated").asBoolean()).isTrue();
    assertThat(q.at("/schema/description").asText()).isEqualTo("Text to search for");
    assertThat(q.at("/schema/deprecated").asBoolean()).isTrue();
    assertThat(parameter(served, "x-trace").get("description").asText()).isEqualTo("A trace id");
  }

  @Test
  void aParametersTitleAndExamplesAreInItsSchemaOnly() {
    JsonNode id = parameter(served, "item_id");
    assertThat(id.at("/schema/title").asText()).isEqualTo("Item");
    assertThat(id.at("/schema/examples").toString()).isEqualTo("[42]");
    assertThat(id.has("examples")).as("OpenAPI's Example Objects are not pydantic's examples").isFalse();
    assertThat(parameter(served, "limit").at("/schema/examples").toString()).isEqualTo("[10,20]");
    assertThat(parameter(served, "session").at("/schema/examples").toString()).isEqualTo("[\"abc\"]");
    assertThat(parameter(served, "limit").has("description")).isFalse();
  }

  @Test
  void parametersAreDocumentedAsFastApiDocumentsThem() {
    for (String name : List.of("item_id", "q", "limit", "x-trace", "session", "color")) {
      assertThat(parameter(served, name)).as(name).isEqualTo(parameter(fastApi, name));
    }
  }

  @Test
  void recordComponentsAndRecordsAreDocumentedAsPydanticFieldsAndModels() {
    JsonNode item = served.at("/components/schemas/ItemIn");
    assertThat(item.get("description").asText()).isEqualTo("An item to store.");
    assertThat(item.at("/properties/name/title").asText()).isEqualTo("Item name");
    assertThat(item.at("/properties/name/examples").toString()).isEqualTo("[\"hammer\"]");
    assertThat(item.at("/properties/old_code/deprecated").asBoolean()).isTrue();
    assertThat(item.at("/properties/tag/description").asText()).as("beside the $ref").isEqualTo("Where it is filed");
    assertThat(item.at("/properties/tags/examples").toString()).isEqualTo("[[{\"name\":\"tools\"}]]");
    assertThat(item).isEqualTo(fastApi.at("/components/schemas/ItemIn"));
    assertThat(served.at("/components/schemas/Tag/title").asText()).as("pydantic's model_config title").isEqualTo("Label");
    assertThat(served.at("/components/schemas/Tag")).isEqualTo(fastApi.at("/components/schemas/Tag"));
    assertThat(served.at("/components/schemas/Color/description").asText()).isEqualTo("What an item looks like.");
    assertThat(served.at("/components/schemas/Color")).isEqualTo(fastApi.at("/components/schemas/Color"));
  }

  @Test
  void formFieldsAreDocumentedInTheFormsSchema() {
    JsonNode form = served.at("/components/schemas/Body_login_login_post");
    assertThat(form.at("/properties/username/deprecated").asBoolean()).isTrue();
    assertThat(form.at("/properties/password/title").asText()).isEqualTo("Secret");
    assertThat(form).isEqualTo(fastApi.at("/components/schemas/Body_login_login_post"));
  }

  static final class BodyAndUpload {
    @Post("/boxes")
    String box(@Body @Doc(description = "A box", examples = "{\"name\": \"z\"}") Tag box) {
      return box.name();
    }

    @Post("/files")
    String file(@Doc(description = "The file to store") UploadFile file) {
      return file.filename();
    }
  }

  @Test
  void aBodysAndAnUploadsDocAreOnTheirSchemas() {
    JsonNode doc = TypedApi.builder().controller(new BodyAndUpload()).build().openApi();
    // FastAPI 0.142: Body(description="A box", examples=[...]) on a model sits beside the $ref
    assertThat(doc.at("/paths/~1boxes/post/requestBody/content/application~1json/schema")).isEqualTo(
        JSON.createObjectNode().put("$ref", "#/components/schemas/Tag").put("description", "A box")
            .set("examples", JSON.createArrayNode().add(JSON.createObjectNode().put("name", "z"))));
    assertThat(doc.at("/components/schemas/Body_file_files_post/properties/file/description").asText())
        .isEqualTo("The file to store");
  }

  static final class BadParameterExample {
    @Get("/items")
    String items(@Query @Doc(examples = "hammer") String q) {
      return q;
    }
  }

  record BadComponent(@Doc(examples = "{\"name\": ") String name) {}

  static final class BadComponentExample {
    @Post("/items")
    String items(@Body BadComponent in) {
      return in.name();
    }
  }

  record Twice(@JsonPropertyDescription("one") @Doc(description = "two") String name) {}

  static final class DescribedTwice {
    @Post("/items")
    String items(@Body Twice in) {
      return in.name();
    }
  }

  static final class DocOnADependency {
    @Get("/items")
    String items(@Doc(description = "who") ApiKey key) {
      return "";
    }
  }

  @Test
  void anExampleThatIsNotJsonFailsTheBuildNamingTheValue() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new BadParameterExample()).build())
        .hasMessageContaining("BadParameterExample.items").hasMessageContaining("'q'")
        .hasMessageContaining("@Doc example \"hammer\" is not JSON")
        .hasMessageContaining("a string example keeps its quotes: \"\\\"hammer\\\"\"");
    assertThatThrownBy(() -> TypedApi.builder().controller(new BadComponentExample()).build())
        .hasMessageContaining("BadComponent.name").hasMessageContaining("is not JSON");
  }

  @Doc(description = "Items")
  static final class DocumentedController {
    @Get("/items")
    String items() {
      return "";
    }
  }

  record Now(long millis) {}

  @Doc(description = "Gives the time")
  static final class DocumentedProvider {
    @Provides
    Now now() {
      return new Now(0);
    }
  }

  /** Only a record's or an enum's class @Doc is written into the document; elsewhere it would say nothing. */
  @Test
  void aDocOnAControllerOrProviderClassFailsTheBuildNamingIt() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new DocumentedController()).build())
        .hasMessage("@Doc on controller " + DocumentedController.class.getName() + " documents nothing: it goes on a"
            + " record, an enum, a record component or a parameter read from the request");
    assertThatThrownBy(() -> TypedApi.builder().group("/v1", g -> g.controller(new DocumentedController())).build())
        .hasMessageContaining("@Doc on controller " + DocumentedController.class.getName());
    assertThatThrownBy(() -> TypedApi.builder().provider(new DocumentedProvider()).controller(new BodyAndUpload())
        .build()).hasMessageContaining("@Doc on provider " + DocumentedProvider.class.getName() + " documents nothing");
  }

  @Test
  void aDescriptionGivenTwiceOrADocOnNoRequestValueFailsTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new DescribedTwice()).build())
        .hasMessageContaining("Twice.name: described twice");
    assertThatThrownBy(() -> TypedApi.builder().provider(ApiKeyAuth.header("X-Key")).controller(new DocOnADependency())
        .build()).hasMessageContaining("@Doc describes a value read from the request");
  }
}
