package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The document for records nested in bodies and results, enums, {@code Optional}, lists and maps
 * of records, defaults, tags, summaries, operationIds and security schemes, held against FastAPI
 * 0.142's for the twin, {@code benchmarks/fastapi/shapes_app.py} ({@code shapes-openapi-fastapi.json}),
 * whose models require every field in what they write, as Lanes' written records do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiShapesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Color { red, blue }

  record Tag(String name) {}

  record Item(long item2id, String name, Tag tag, List<Tag> tags) {}

  record Thing(@JsonPropertyDescription("What it is called") String name,
               @JsonPropertyDescription("How big") @Default("1") int size, @Default("red") Color color, Optional<String> note,
               @Default("[]") List<Tag> tags, @Default("{}") Map<String, Integer> counts,
               @JsonProperty("by_name") @Default("{}") Map<String, Tag> byName, Optional<Tag> best) {}

  @JsonClassDescription("Things in a box.")
  record Box(@JsonPropertyDescription("The main thing") Thing thing, List<Thing> things, Optional<Thing> maybe) {}

  static final class Api {
    @Post("/items")
    Item createItem(@Body Item item) {
      return item;
    }

    @Post("/things")
    Thing createThing(@Body Thing thing) {
      return thing;
    }

    @Post("/boxes")
    Box createBox(@Body Box box) {
      return box;
    }

    @Get("/things")
    List<Thing> listThings() {
      return List.of();
    }

    @Operation(tags = "things", summary = "One thing")
    @Get("/things/{thing_id}")
    Map<String, Thing> readThing(@Path long thingId, @Query Optional<String> q, @Query @Default("red") Color color,
        @Query @Default("10") int limit, @Query @Default("[]") List<String> tags, ApiKey key) {
      return Map.of();
    }

    @Operation(operationId = "colorByName")
    @NullWhenEmpty
    @Get("/colors/{color}")
    Optional<Color> colorByName(@Path Color color, BearerToken token) {
      return Optional.of(color);
    }
  }

  private static final TypedApi API = TypedApi.builder().title("Shapes")
      .provider(ApiKeyAuth.header("X-API-Key")).provider(BearerAuth.create()).controller(new Api()).build();

  @Test
  void aLetterAfterADigitStartsAWordOfTheTitle() {
    assertThat(Schemas.title("item2id")).isEqualTo("Item2Id"); // pydantic: "item2id".title()
    assertThat(Schemas.title("item2Id")).isEqualTo("Item2 Id"); // item2_id, as a Java name reads
    assertThat(Schemas.title("v2_name")).isEqualTo("V2 Name");
  }

  @Test
  void aRecordWrittenAsItIsReadIsOneSchemaThoughItHoldsRecords() {
    JsonNode schemas = API.openApi().at("/components/schemas");
    assertThat(schemas.has("Item")).as("Item, holding Tag, read and written alike").isTrue();
    assertThat(schemas.has("Item-Input")).isFalse();
    assertThat(schemas.has("Thing-Input") && schemas.has("Thing-Output")).as("Thing has defaults").isTrue();
    assertThat(schemas.has("Box-Input") && schemas.has("Box-Output")).as("Box holds Thing").isTrue();
  }

  record Node(String name, List<Node> children) {}

  static final class Nodes {
    @Post("/nodes")
    Node echo(@Body Node n) {
      return n;
    }
  }

  @Test
  void aRecordHoldingItselfIsSplitAsFastApiSplitsIt() {
    // FastAPI 0.142 for class Node(BaseModel): name: str; children: list["Node"], read and written
    JsonNode schemas = TypedApi.builder().controller(new Nodes()).build().openApi().at("/components/schemas");
    assertThat(schemas.has("Node")).as(schemas.toString()).isFalse();
    assertThat(schemas.at("/Node-Input/properties/children/items/$ref").asText())
        .isEqualTo("#/components/schemas/Node-Input");
    assertThat(schemas.at("/Node-Output/properties/children/items/$ref").asText())
        .isEqualTo("#/components/schemas/Node-Output");
  }

  @Test
  void aGivenOperationIdIsTitledAsFastApiTitlesIt() {
    JsonNode ok = API.openApi().at("/paths/~1colors~1{color}/get/responses/200/content/application~1json/schema");
    assertThat(ok.get("title").asText()).isEqualTo("Response Colorbyname"); // "Response_colorByName".title()
  }

  @Test
  void jacksonDescriptionsAreTheSchemasDescriptions() {
    JsonNode box = API.openApi().at("/components/schemas/Box-Input");
    assertThat(box.get("description").asText()).isEqualTo("Things in a box.");
    assertThat(box.at("/properties/thing/description").asText()).isEqualTo("The main thing");
    assertThat(API.openApi().at("/components/schemas/Thing-Output/properties/size/description").asText())
        .isEqualTo("How big");
  }

  @Test
  void documentsAsFastApiDoes() throws IOException {
    JsonNode expected;
    try (InputStream in = OpenApiShapesTest.class.getResourceAsStream("/typed/shapes-openapi-fastapi.json")) {
      expected = JSON.readTree(in);
    }
    JsonNode actual = API.openApi();
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/shapes-openapi-lanes.json"), actual.toPrettyString());
    assertThat(actual.get("paths")).isEqualTo(expected.get("paths"));
    assertThat(actual.get("components")).isEqualTo(expected.get("components"));
  }
}
