package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scalars read as pydantic 2's lax mode reads them, where the rules are easy to get slightly wrong;
 * each expectation is what FastAPI 0.142.2 (pydantic 2.13) answered for the same input.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LaxScalarTest {
  record Flag(boolean flag) {}

  static final class Routes {
    @Post("/flag")
    boolean flag(@Body Flag f) {
      return f.flag();
    }

    @Get("/int")
    int integer(@Query int n) {
      return n;
    }

    @Get("/float")
    double number(@Query double x) {
      return x;
    }
  }

  private static TestClient start() {
    return TestClient.start(TypedApi.builder().controller(new Routes()).build().install(App.builder()).build());
  }

  private static String flag(TestClient client, String json) {
    TestResponse r = client.postJson("/flag", "{\"flag\":" + json + "}");
    return r.status() == 200 ? r.text() : r.json().at("/detail/0/type").asText();
  }

  /** A number is a boolean through an integer: 0 or 1; another integer is bool_parsing, a fraction or a huge one bool_type. */
  @Test
  void numbersAreBooleansAsPydanticReadsThem() {
    try (TestClient client = start()) {
      assertThat(flag(client, "1.0")).isEqualTo("true");
      assertThat(flag(client, "0.0")).isEqualTo("false");
      assertThat(flag(client, "-0.0")).isEqualTo("false");
      assertThat(flag(client, "1")).isEqualTo("true");
      assertThat(flag(client, "2.0")).isEqualTo("bool_parsing");
      assertThat(flag(client, "-1")).isEqualTo("bool_parsing");
      assertThat(flag(client, "1.5")).isEqualTo("bool_type");
      assertThat(flag(client, "1e300")).isEqualTo("bool_type");
      assertThat(flag(client, "100000000000000000000000000000")).isEqualTo("bool_type");
    }
  }

  private static String query(TestClient client, String path, String name, String value) {
    TestResponse r = client.get(path + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    return r.status() == 200 ? r.text() : r.json().at("/detail/0/type").asText();
  }

  /** Numbers in text lose Unicode's White_Space around them (a no-break space too), not other control characters. */
  @Test
  void numbersInTextLoseUnicodeWhiteSpace() {
    try (TestClient client = start()) {
      assertThat(query(client, "/int", "n", "\u00a05")).isEqualTo("5");
      assertThat(query(client, "/int", "n", "5\u00a0")).isEqualTo("5");
      assertThat(query(client, "/int", "n", "\u202f5\u2007")).isEqualTo("5");
      assertThat(query(client, "/int", "n", "\u00855")).isEqualTo("5");
      assertThat(query(client, "/int", "n", "\u30005")).isEqualTo("5");
      assertThat(query(client, "/int", "n", "\u001c5")).isEqualTo("int_parsing");
      assertThat(query(client, "/int", "n", "\ufeff5")).isEqualTo("int_parsing");
      assertThat(query(client, "/float", "x", "\u00a01.5")).isEqualTo("1.5");
      assertThat(query(client, "/float", "x", "\u001c1.5")).isEqualTo("float_parsing");
    }
  }

  /** A float's text may hold single underscores anywhere inside it, not at its ends nor two together. */
  @Test
  void floatTextTakesUnderscoresAsPydanticDoes() {
    try (TestClient client = start()) {
      assertThat(query(client, "/float", "x", "1_0.5")).isEqualTo("10.5");
      assertThat(query(client, "/float", "x", "1_.5")).isEqualTo("1.5");
      assertThat(query(client, "/float", "x", "1._5")).isEqualTo("1.5");
      assertThat(query(client, "/float", "x", "1e_5")).isEqualTo("100000.0");
      assertThat(query(client, "/float", "x", "+_1.5")).isEqualTo("1.5");
      assertThat(query(client, "/float", "x", "_1.5")).isEqualTo("float_parsing");
      assertThat(query(client, "/float", "x", "1.5_")).isEqualTo("float_parsing");
      assertThat(query(client, "/float", "x", "1__0.5")).isEqualTo("float_parsing");
      assertThat(query(client, "/float", "x", "in_f")).isEqualTo("finite_number");
      // an int's stay Python's: only between digits
      assertThat(query(client, "/int", "n", "+_1")).isEqualTo("int_parsing");
      assertThat(query(client, "/int", "n", "1_0.0")).isEqualTo("10");
    }
  }
}
