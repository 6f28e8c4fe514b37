package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.http.HttpException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
  void typedParametersMatchOnlyTheirShape() {
    PathPattern p = PathPattern.parse("/items/{id:int}");
    assertThat(p.match("/items/42")).contains(Map.of("id", "42"));
    assertThat(p.match("/items/007")).contains(Map.of("id", "007"));
    assertThat(p.match("/items/2147483647")).isPresent();
    // digits only, as Starlette's convertors: anything else is no match, so later routes get a turn
    for (String other : new String[] {"/items/abc", "/items/-7", "/items/+7", "/items/1.5", "/items/-", "/items/4 2"}) {
      assertThat(p.match(other)).as(other).isEmpty();
      assertThat(p.fits(other)).as(other).isFalse();
    }
  }

  @Test
  void aWrongShapeIsExplainedForARequestNoRouteTakes() {
    PathPattern p = PathPattern.parse("/items/{id:int}");
    HttpException e = p.typeMismatch("/items/abc").orElseThrow();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("path parameter 'id' must be an int, got 'abc'");
    assertThat(p.typeMismatch("/items/-7").orElseThrow().getMessage())
        .isEqualTo("path parameter 'id' must be an int, got '-7': digits only, no sign");
    assertThat(PathPattern.parse("/u/{id:uuid}").typeMismatch("/u/not-a-uuid").orElseThrow().getMessage())
        .isEqualTo("path parameter 'id' must be a UUID, got 'not-a-uuid'");
    // only a path that fits but for a typed shape is explained
    assertThat(p.typeMismatch("/items/42")).isEmpty();
    assertThat(p.typeMismatch("/items/abc/more")).isEmpty();
    assertThat(p.typeMismatch("/other/abc")).isEmpty();
    assertThat(PathPattern.parse("/items/{id}").typeMismatch("/items/abc")).isEmpty();
  }

  @Test
  void numbersOutOfRangeFitButFailWith400NamingTheParameter() {
    PathPattern ints = PathPattern.parse("/items/{id:int}");
    HttpException e = catchThrowableOfType(HttpException.class, () -> ints.match("/items/2147483648"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("path parameter 'id' must be an int, got '2147483648': too large");
    assertThat(ints.fits("/items/2147483648")).isTrue(); // its shape: the path is this route's

    PathPattern longs = PathPattern.parse("/l/{n:long}");
    assertThat(longs.match("/l/9223372036854775807")).isPresent();
    assertThat(catchThrowableOfType(HttpException.class, () -> longs.match("/l/9223372036854775808"))
        .getMessage()).contains("'n' must be a long").endsWith("too large");
    assertThat(catchThrowableOfType(HttpException.class, () -> longs.match("/l/99999999999999999999"))
        .status()).isEqualTo(400);
  }

  @Test
  void uuidTakesTheCanonicalFormInEitherCase() {
    PathPattern uuids = PathPattern.parse("/u/{id:uuid}");
    assertThat(uuids.match("/u/123e4567-e89b-12d3-a456-426614174000")).isPresent();
    assertThat(uuids.match("/u/123E4567-E89B-12D3-A456-426614174000")).isPresent();
    assertThat(uuids.match("/u/123e4567e89b12d3a456426614174000")).isEmpty();
    assertThat(uuids.match("/u/123e4567-e89b-12d3-a456-42661417400")).isEmpty();
    assertThat(uuids.match("/u/not-a-uuid")).isEmpty();
  }

  @Test
  void longBadValuesAreAbbreviatedInTheMessage() {
    PathPattern p = PathPattern.parse("/i/{id:int}");
    assertThat(p.typeMismatch("/i/" + "x".repeat(500)).orElseThrow().getMessage().length()).isLessThan(120);
    HttpException e = catchThrowableOfType(HttpException.class, () -> p.match("/i/" + "9".repeat(500)));
    assertThat(e.getMessage().length()).isLessThan(130);
  }

  @Test
  void pathTypeTakesTheRestIncludingSlashes() {
    PathPattern p = PathPattern.parse("/files/{rest:path}");
    assertThat(p.match("/files/a/b/c.txt")).contains(Map.of("rest", "a/b/c.txt"));
    assertThat(p.match("/files/x")).contains(Map.of("rest", "x"));
    assertThat(p.match("/files/")).isEmpty();
    assertThat(p.match("/other/x")).isEmpty();
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource(delimiter = ' ', value = {
      // a later route is unreachable when the earlier covers it
      "/items/{slug} /items/{id:long} true",
      "/items/{id:long} /items/{slug} false",
      "/a/{x} /a/{y} true",
      "/a/{x} /a/{y:str} true",
      "/a/{x:int} /a/{y:long} true", // both take all digits; an int out of range is a 400, not a miss
      "/a/{x:long} /a/{y:int} true",
      "/u/{s} /u/{id:uuid} true",
      "/u/{id:uuid} /u/{s} false",
      "/u/{id:uuid} /u/{n:long} false",
      "/n/{n:long} /n/{id:uuid} false",
      // literal segments are covered by a type they parse as
      "/a/{n:int}/{x} /a/7/{y} true",
      "/a/{n:int}/{x} /a/99999999999999999999/{y} true",
      "/a/{n:int}/{x} /a/seven/{y} false",
      "/a/{n:int}/{x} /a/-7/{y} false",
      "/a/{s}/{x} /a/7/{y} true",
      "/a/7/{x} /a/{n:int}/{y} false",
      "/u/{id:uuid}/{x} /u/123e4567-e89b-12d3-a456-426614174000/{y} true",
      "/u/{id:uuid}/{x} /u/123e4567/{y} false",
      "/a/{x}/{y} /a//{y} false", // an empty segment is no str
      // the rest of the path
      "/f/{rest:path} /f/{a} true",
      "/f/{rest:path} /f/{a}/{b} true",
      "/f/{rest:path} /f/x/{a:int}/ true",
      "/f/{rest:path} /f/{other:path} true",
      "/{a}/{rest:path} /f/{b:int}/x/{c:path} true",
      "/{a}/{rest:path} /{b}/ false", // '/x/' leaves an empty rest
      "/f/{rest:path} /g/{a} false",
      "/f/{rest:path} /{a} false",
      "/f/{a} /f/{rest:path} false",
      "/f/{a}/{b} /f/{rest:path} false",
      // other shapes
      "/a/{x} /{y}/b false",
      "/{y}/b /a/{x} false",
      "/a/{x} /a/{x}/b false",
      "/a/{x}/b /a/{x} false",
      "/a/new /a/{x} false",
  })
  void coversDecidesSegmentBySegment(String earlier, String later, boolean covers) {
    assertThat(PathPattern.parse(earlier).covers(PathPattern.parse(later))).isEqualTo(covers);
  }

  @Test
  void coversNeverClaimsAPathTheEarlierPatternLeaves() {
    List<String> templates = List.of("/items/{slug}", "/items/{id:long}", "/items/{id:int}", "/items/new",
        "/a/{x}", "/a/{n:int}/{x}", "/a/7/{y}", "/a/{s}/{x}", "/a/{x}/b", "/{y}/b", "/a//{y}",
        "/u/{s}", "/u/{id:uuid}", "/u/{id:uuid}/{x}", "/f/{rest:path}", "/f/{a}", "/f/{a}/{b}",
        "/{a}/{rest:path}", "/{b}/", "/f/x/{a:int}/", "/{a}");
    List<String> paths = List.of("/items/abc", "/items/42", "/items/99999999999999999999", "/items/new",
        "/a/7/x", "/a/seven/x", "/a/-7/x", "/a/x/b", "/a/b", "/a//b", "/z/b", "/u/abc",
        "/u/123e4567-e89b-12d3-a456-426614174000", "/u/123e4567-e89b-12d3-a456-426614174000/z",
        "/f/a", "/f/a/b", "/f/x/5/", "/f/", "/f", "/x/", "/g/a", "/a/99999999999999999999/y");
    for (String e : templates) {
      for (String l : templates) {
        PathPattern earlier = PathPattern.parse(e);
        PathPattern later = PathPattern.parse(l);
        if (earlier.covers(later)) {
          for (String path : paths) {
            if (accepts(later, path)) {
              assertThat(earlier.fits(path)).as("%s covers %s, so takes %s", e, l, path).isTrue();
            }
          }
        }
      }
    }
  }

  private static boolean accepts(PathPattern p, String path) {
    try {
      return p.match(path).isPresent();
    } catch (HttpException e) {
      return false;
    }
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
