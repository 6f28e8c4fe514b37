package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ParamsTest {
  private static final Params P = Params.of("query parameter", Map.of(
      "n", List.of("42"), "big", List.of("9000000000"), "word", List.of("abc"), "d", List.of("2.5"),
      "nan", List.of("NaN"), "inf", List.of("Infinity"), "t", List.of("yes"), "f", List.of("0"),
      "tag", List.of("a", "b"), "id", List.of("123e4567-e89b-12d3-a456-426614174000")));

  private static HttpException fails(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    HttpException e = catchThrowableOfType(HttpException.class, call);
    assertThat(e).as("expected an HttpException").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  @Test
  void plainValues() {
    assertThat(P.get("word")).isEqualTo("abc");
    assertThat(P.optional("word")).contains("abc");
    assertThat(P.optional("missing")).isEmpty();
    assertThat(P.contains("n")).isTrue();
    assertThat(P.all("tag")).containsExactly("a", "b");
    assertThat(P.get("tag")).isEqualTo("a");
    assertThat(P.all("missing")).isEmpty();
    assertThat(P.names()).contains("n", "tag");
  }

  @Test
  void missingValueIs400NamingKindAndName() {
    assertThat(fails(() -> P.get("missing")).getMessage()).isEqualTo("missing query parameter 'missing'");
    assertThat(fails(() -> P.getInt("missing")).getMessage()).contains("'missing'");
  }

  @Test
  void integers() {
    assertThat(P.getInt("n")).isEqualTo(42);
    assertThat(P.getInt("missing", 7)).isEqualTo(7);
    assertThat(P.getLong("big")).isEqualTo(9_000_000_000L);
    assertThat(P.getLong("missing", 3L)).isEqualTo(3L);
    assertThat(fails(() -> P.getInt("word")).getMessage())
        .isEqualTo("query parameter 'word' must be an integer, got 'abc'");
    fails(() -> P.getInt("big")); // overflows an int
    fails(() -> P.getInt("word", 1)); // present but bad: not the fallback
    fails(() -> P.getLong("d"));
  }

  @Test
  void doublesMustBeFinite() {
    assertThat(P.getDouble("d")).isEqualTo(2.5);
    assertThat(P.getDouble("missing", 1.5)).isEqualTo(1.5);
    assertThat(fails(() -> P.getDouble("nan")).getMessage()).contains("must be a number");
    fails(() -> P.getDouble("inf"));
    fails(() -> P.getDouble("word"));
  }

  @Test
  void booleans() {
    assertThat(P.getBoolean("t", false)).isTrue();
    assertThat(P.getBoolean("f", true)).isFalse();
    assertThat(P.getBoolean("missing", true)).isTrue();
    assertThat(fails(() -> P.getBoolean("word", true)).getMessage()).contains("true or false");
  }

  @Test
  void uuidsAndCustomParsers() {
    assertThat(P.getUuid("id")).isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    fails(() -> P.getUuid("word"));
    String upper = P.get("word", s -> s.toUpperCase(java.util.Locale.ROOT), "text");
    assertThat(upper).isEqualTo("ABC");
    assertThat(fails(() -> P.get("word", s -> {
      throw new IllegalStateException("internal detail");
    }, "a colour")).getMessage()).isEqualTo("query parameter 'word' must be a colour, got 'abc'");
  }

  @Test
  void longBadValuesAreAbbreviated() {
    Params p = Params.of("path parameter", Map.of("x", List.of("y".repeat(1000))));
    String message = fails(() -> p.getInt("x")).getMessage();
    assertThat(message).startsWith("path parameter 'x' must be an integer").hasSizeLessThan(140).contains("...");
  }

  @Test
  void isACopyOfTheGivenMap() {
    Map<String, List<String>> source = new HashMap<>();
    source.put("a", new ArrayList<>(List.of("1")));
    Params p = Params.of("query parameter", source);
    source.put("b", List.of("2"));
    assertThat(p.contains("b")).isFalse();
    assertThatThrownBy(() -> p.names().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(Params.empty().names()).isEmpty();
  }

  /** Names keep the order they came in (Starlette's QueryParams and FormData do). */
  @Test
  void namesKeepTheirOrder() {
    Map<String, List<String>> source = new java.util.LinkedHashMap<>();
    for (String name : List.of("zeta", "alpha", "mid", "beta")) {
      source.put(name, List.of("1"));
    }
    assertThat(Params.of("form field", source).names()).containsExactly("zeta", "alpha", "mid", "beta");
  }
}
