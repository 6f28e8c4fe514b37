package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A template's path built from parameter values: typed, percent-encoded, and routed back to the same values. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PathPatternPathTest {

  /** What the server does with the path before routing: percent-decoding (as UTF-8). */
  private static String decoded(String path) {
    return URI.create(path).getPath();
  }

  private static void roundTrips(PathPattern p, Map<String, ?> params, Map<String, String> expected) {
    assertThat(p.match(decoded(p.path(params)))).contains(expected);
  }

  @Test
  void literalTemplateIsItself() {
    assertThat(PathPattern.parse("/items/").path(Map.of())).isEqualTo("/items/");
    assertThat(PathPattern.parse("/").path(Map.of())).isEqualTo("/");
  }

  @Test
  void textSegmentsArePercentEncodedAsUtf8() {
    PathPattern p = PathPattern.parse("/users/{name}/posts");
    assertThat(p.path(Map.of("name", "ann lee"))).isEqualTo("/users/ann%20lee/posts");
    assertThat(p.path(Map.of("name", "zoë"))).isEqualTo("/users/zo%C3%AB/posts");
    assertThat(p.path(Map.of("name", "日本"))).isEqualTo("/users/%E6%97%A5%E6%9C%AC/posts");
    assertThat(p.path(Map.of("name", "a?b#c"))).isEqualTo("/users/a%3Fb%23c/posts");
    assertThat(p.path(Map.of("name", "100%"))).isEqualTo("/users/100%25/posts");
    // RFC 3986 pchars stay as they are
    assertThat(p.path(Map.of("name", "a-b._~!$&'()*+,;=:@"))).isEqualTo("/users/a-b._~!$&'()*+,;=:@/posts");
    for (String name : new String[] {"ann lee", "zoë", "日本", "a?b#c", "100%", "a+b", "%2F", "..x"}) {
      roundTrips(p, Map.of("name", name), Map.of("name", name));
    }
  }

  @Test
  void aSlashInATextSegmentIsRefusedAsItWouldSplitTheSegment() {
    // The server decodes %2F into a separator before routing, so "a/b" can never come back as one segment.
    assertThatThrownBy(() -> PathPattern.parse("/users/{name}").path(Map.of("name", "a/b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'name'").hasMessageContaining("'/'");
  }

  @Test
  void aTextValueTheServerWouldRefuseIsRefusedHere() {
    // SafePath answers 400 to a '.' or '..' segment and to an encoded control character, so a URL
    // built with one would never reach the route.
    PathPattern text = PathPattern.parse("/users/{name}");
    for (String v : new String[] {".", ".."}) {
      assertThatThrownBy(() -> text.path(Map.of("name", v)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name'").hasMessageContaining("'..'");
    }
    PathPattern rest = PathPattern.parse("/files/{rest:path}");
    for (String v : new String[] {"a\tb", "\u0000", "x\ny", "del\u007f"}) {
      assertThatThrownBy(() -> text.path(Map.of("name", v)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
      assertThatThrownBy(() -> rest.path(Map.of("rest", "a/" + v)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
    }
    assertThat(text.path(Map.of("name", "..."))).isEqualTo("/users/...");
  }

  @Test
  void aLoneSurrogateIsRefusedNotSentAsAQuestionMark() {
    // Java's UTF-8 encoder writes '?' for a lone surrogate: the URL would route back as "a?", not the value.
    assertThatThrownBy(() -> PathPattern.parse("/users/{name}").path(Map.of("name", "a\uD800")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name'").hasMessageContaining("surrogate");
    assertThatThrownBy(() -> PathPattern.parse("/f/{rest:path}").path(Map.of("rest", "x/\uDC00y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    assertThat(PathPattern.parse("/users/{name}").path(Map.of("name", "\uD83D\uDE00"))).isEqualTo("/users/%F0%9F%98%80");
  }

  @Test
  void literalSegmentsAreEncodedToo() {
    assertThat(PathPattern.parse("/hello world/{x}").path(Map.of("x", "1"))).isEqualTo("/hello%20world/1");
  }

  @Test
  void pathParametersKeepTheirSlashes() {
    PathPattern p = PathPattern.parse("/files/{rest:path}");
    assertThat(p.path(Map.of("rest", "docs/my file.txt"))).isEqualTo("/files/docs/my%20file.txt");
    roundTrips(p, Map.of("rest", "a/b c/ü?"), Map.of("rest", "a/b c/ü?"));
    assertThatThrownBy(() -> p.path(Map.of("rest", "a/../etc"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> p.path(Map.of("rest", ""))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numbersAreFormattedForTheirType() {
    PathPattern p = PathPattern.parse("/items/{id:int}/v/{v:long}");
    assertThat(p.path(Map.of("id", 5, "v", 9_000_000_000L))).isEqualTo("/items/5/v/9000000000");
    assertThat(p.path(Map.of("id", (short) 7, "v", BigInteger.TEN))).isEqualTo("/items/7/v/10");
    assertThat(p.path(Map.of("id", "42", "v", "0"))).isEqualTo("/items/42/v/0"); // digit text, as Starlette's int()
    // digit text is written as the number it is, as Starlette's str(int(value)): one URL per value
    assertThat(p.path(Map.of("id", "007", "v", "000"))).isEqualTo("/items/7/v/0");
    roundTrips(p, Map.of("id", Integer.MAX_VALUE, "v", Long.MAX_VALUE),
        Map.of("id", String.valueOf(Integer.MAX_VALUE), "v", String.valueOf(Long.MAX_VALUE)));
  }

  @Test
  void wronglyTypedNumbersAreRefusedNamingTheParameter() {
    PathPattern p = PathPattern.parse("/items/{id:int}");
    for (Object bad : new Object[] {"abc", -1, 1.5, 3_000_000_000L, "+1", "", true}) {
      assertThatThrownBy(() -> p.path(Map.of("id", bad)))
          .as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter 'id' must be an int");
    }
    assertThatThrownBy(() -> PathPattern.parse("/n/{n:long}").path(Map.of("n", new BigInteger("99999999999999999999"))))
        .hasMessageContaining("parameter 'n' must be a long");
  }

  @Test
  void uuidsAreCanonicalLowerCase() {
    PathPattern p = PathPattern.parse("/o/{id:uuid}");
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(p.path(Map.of("id", id))).isEqualTo("/o/123e4567-e89b-12d3-a456-426614174000");
    assertThat(p.path(Map.of("id", "123E4567-E89B-12D3-A456-426614174000")))
        .isEqualTo("/o/123e4567-e89b-12d3-a456-426614174000");
    assertThatThrownBy(() -> p.path(Map.of("id", "not-a-uuid"))).hasMessageContaining("must be a UUID");
    assertThatThrownBy(() -> p.path(Map.of("id", 5))).hasMessageContaining("must be a UUID");
  }

  @Test
  void missingAndExtraParametersAreRefused() {
    PathPattern p = PathPattern.parse("/users/{user}/posts/{post:long}");
    assertThatThrownBy(() -> p.path(Map.of("user", "ann")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'post' is missing");
    assertThatThrownBy(() -> p.path(Map.of("user", "ann", "post", 1, "page", 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parameter 'page'")
        .hasMessageContaining("[user, post]");
    assertThatThrownBy(() -> PathPattern.parse("/a").path(Map.of("x", 1))).hasMessageContaining("no parameter 'x'");
  }
}
