package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A form field that refers to an enum, nullable or not, has no title in the
 * {@code Body_<operationId>} schema, as pydantic titles no field that is a reference: FastAPI
 * 0.142's schema for {@code color: Annotated[Optional[Color], Form()] = None,
 * c2: Annotated[Color, Form()] = Color.red}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormFieldTitleTest {
  enum Color { red }

  static final class Api {
    @Post("/f")
    int f(@FormField Optional<Color> color, @FormField @Default("red") Color c2) {
      return 1;
    }
  }

  @Test
  void aReferenceIsNotTitled() throws IOException {
    try (TestClient client = TestClient.start(TypedApi.builder().controller(new Api()).build()
        .install(App.builder()).build())) {
      assertThat(client.get("/openapi.json").json().at("/components/schemas/Body_f_f_post")).isEqualTo(
          new ObjectMapper().readTree("{\"properties\":{"
              + "\"color\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/Color\"},{\"type\":\"null\"}]},"
              + "\"c2\":{\"$ref\":\"#/components/schemas/Color\",\"default\":\"red\"}},"
              + "\"type\":\"object\",\"title\":\"Body_f_f_post\"}"));
    }
  }
}
