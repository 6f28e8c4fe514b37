package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.http.HttpException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PathPatternTest {

  @Test
  void literalMatchesOnlyItself() {
    PathPattern p = PathPattern.parse("/items/new");
    assertThat(p.isLiteral()).isTrue();
    assertThat(p.match("/items/new")).contains(Map.of());
    assertThat(p.match("/items/new/")).isEmpty();
    assertThat(p.match("/items")).isEmpty();
    assertThat(PathPattern.parse("/").match("/")).contains(Map.of());
  }

  @Test
  void parametersCaptureOneSegmentEach() {
    PathPattern p = PathPattern.parse("/users/{user}/posts/{post}");
    assertThat(p.isLiteral()).isFalse();
    assertThat(p.match("/users/ann/posts/7")).contains(Map.of("user", "ann", "post", "7"));
    assertThat(p.match("/users/ann/posts")).isEmpty();
    assertThat(p.match("/users/ann/posts/7/extra")).isEmpty();
    assertThat(p.match("/users/ann/posts/7/")).isEmpty();
    assertThat(p.match("/users//posts/7")).isEmpty(); // empty values never match
    assertThat(p.match("/people/ann/posts/7")).isEmpty();
    assertThat(p.match("users/ann/posts/7")).isEmpty();
  }

  @Test
  void typedParametersConvertOrFailWith400NamingTheParameter() {
    PathPattern p = PathPattern.parse("/items/{id:int}");
    assertThat(p.match("/items/42")).contains(Map.of("id", "42"));
    assertThat(p.match("/items/-7")).contains(Map.of("id", "-7"));
    assertThat(p.match("/items/2147483647")).isPresent();

    HttpException e = catchThrowableOfType(HttpException.class, () -> p.match("/items/abc"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("path parameter 'id' must be an int, got 'abc'");
    assertThat(catchThrowableOfType(HttpException.class, () -> p.match("/items/2147483648")).status())
        .isEqualTo(400);
    assertThat(catchThrowableOfType(HttpException.class, () -> p.match("/items/-")).status())
        .isEqualTo(400);
    assertThat(catchThrowableOfType(HttpException.class, () -> p.match("/items/1.5")).status())
        .isEqualTo(400);
  }

  @Test
  void longAndUuidTypes() {
    PathPattern longs = PathPattern.parse("/l/{n:long}");
    assertThat(longs.match("/l/9223372036854775807")).isPresent();
    assertThat(catchThrowableOfType(HttpException.class, () -> longs.match("/l/9223372036854775808"))
        .getMessage()).contains("'n' must be a long");

    PathPattern uuids = PathPattern.parse("/u/{id:uuid}");
    assertThat(uuids.match("/u/123e4567-e89b-12d3-a456-426614174000")).isPresent();
    assertThat(catchThrowableOfType(HttpException.class, () -> uuids.match("/u/not-a-uuid"))
        .getMessage()).contains("'id' must be a UUID");
  }

  @Test
  void longBadValuesAreAbbreviatedInTheMessage() {
    String junk = "x".repeat(500);
    HttpException e = catchThrowableOfType(HttpException.class,
        () -> PathPattern.parse("/i/{id:int}").match("/i/" + junk));
    assertThat(e.getMessage().length()).isLessThan(120);
  }

  @Test
  void pathTypeTakesTheRestIncludingSlashes() {
    PathPattern p = PathPattern.parse("/files/{rest:path}");
    assertThat(p.match("/files/a/b/c.txt")).contains(Map.of("rest", "a/b/c.txt"));
    assertThat(p.match("/files/x")).contains(Map.of("rest", "x"));
    assertThat(p.match("/files/")).isEmpty();
    assertThat(p.match("/other/x")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"items", "/items/{1x}", "/a/{id}/{id}", "/a/{id:float}", "/a/{rest:path}/b",
      "/a/x{id}", "/a/{id}x", "/a/{}"})
  void malformedTemplatesFailAtParse(String template) {
    assertThatThrownBy(() -> PathPattern.parse(template)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepsItsTemplate() {
    assertThat(PathPattern.parse("/a/{b:int}").template()).isEqualTo("/a/{b:int}");
    assertThat(PathPattern.parse("/a/{b:int}")).hasToString("/a/{b:int}");
  }
}
