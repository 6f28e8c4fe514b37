package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @Pattern} checks the whole value, as Jakarta says; the document's {@code pattern} is a
 * JSON Schema (ECMA-262) pattern, which matches anywhere in the value, so it must say the same:
 * an unanchored expression is documented anchored. Flags the document cannot carry fail the build
 * instead of being dropped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PatternConstraintTest {
  static final class Routes {
    @Get("/loose")
    String loose(@Query @Pattern(regexp = "[a-z]+|[0-9]+") String code) {
      return code;
    }

    @Get("/word")
    String word(@Query @Pattern(regexp = "^\\w+\\s\\d+$") String label) {
      return label;
    }

    @Get("/anchored")
    String anchored(@Query @Pattern(regexp = "^[a-z]+$") String code) {
      return code;
    }
  }

  static final class WithFlags {
    @Get("/flags")
    String flags(@Query @Pattern(regexp = "[a-z]+", flags = Pattern.Flag.CASE_INSENSITIVE) String code) {
      return code;
    }
  }

  @Test
  void theDocumentedPatternRefusesWhatTheCheckRefuses() {
    TypedApi api = TypedApi.builder().controller(new Routes()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse refused = client.get("/loose?code=ab12");
      assertThat(refused.status()).as(refused.text()).isEqualTo(422);
      assertThat(refused.json().at("/detail/0/ctx/pattern").asText()).isEqualTo("[a-z]+|[0-9]+"); // as written

      JsonNode paths = client.get("/openapi.json").json().get("paths");
      String loose = paths.at("/~1loose/get/parameters/0/schema/pattern").asText();
      assertThat(loose).isEqualTo("^(?:[a-z]+|[0-9]+)$");
      // read as JSON Schema reads it (a match anywhere), the document refuses the value too
      assertThat(java.util.regex.Pattern.compile(loose).matcher("ab12").find()).isFalse();
      assertThat(java.util.regex.Pattern.compile(loose).matcher("12").find()).isTrue();
      assertThat(paths.at("/~1anchored/get/parameters/0/schema/pattern").asText()).isEqualTo("^[a-z]+$"); // FastAPI's spelling kept
    }
  }

  /**
   * Classes are Unicode's, as in pydantic's regex engine: {@code \w} takes "José", {@code \s} a
   * no-break space, {@code \d} any decimal digit.
   */
  @Test
  void characterClassesAreUnicodesAsInPydantic() {
    TypedApi api = TypedApi.builder().controller(new Routes()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse accented = client.get("/word?label=Jos%C3%A9%C2%A0%D9%A1%D9%A2"); // José, a no-break space, Arabic-Indic 1 and 2
      assertThat(accented.status()).as(accented.text()).isEqualTo(200);
      TestResponse refused = client.get("/word?label=a-b%201");
      assertThat(refused.json().at("/detail/0/type").asText()).as(refused.text()).isEqualTo("string_pattern_mismatch");
    }
  }

  @Test
  void flagsFailTheBuildRatherThanBeDropped() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new WithFlags()).build())
        .hasMessageContaining("WithFlags.flags")
        .hasMessageContaining("@Pattern flags");
  }
}
