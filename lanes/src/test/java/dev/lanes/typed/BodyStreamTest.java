package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The streaming read against the tree it replaces on the fast path: whatever body the stream
 * accepts, the tree accepts with no error and an equal value; and the stream hands every body
 * that needs an error (or a coercion) to the tree.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BodyStreamTest {
  enum Category {
    @JsonProperty("tools") TOOLS,
    @JsonProperty("books") BOOKS
  }

  record ItemIn(
      @Size(min = 1, max = 50) String name,
      @Positive double price,
      @Default("[]") List<String> tags,
      @Default("tools") Category category,
      @Size(max = 300) Optional<String> description) {}

  record Point(int x, long y) {}

  record Shape2(@Pattern(regexp = "^[a-z]+$") String name, List<Point> points, Optional<Point> origin,
      @Default("true") boolean visible, @NotBlank @Default("x") String label) {}

  record Picky(int n) {
    Picky {
      if (n == 13) {
        throw new IllegalArgumentException("unlucky");
      }
    }
  }

  private static final ShapeCompiler SHAPES = new ShapeCompiler(java.time.Clock.systemDefaultZone());
  private static final Shape ITEM = SHAPES.shape(ItemIn.class, new Annotation[0], "test");
  private static final Shape SHAPE2 = SHAPES.shape(Shape2.class, new Annotation[0], "test");
  private static final Shape POINTS = SHAPES.shape(new ListHolder().type(), new Annotation[0], "test");
  private static final Shape PICKY = SHAPES.shape(Picky.class, new Annotation[0], "test");

  /** The generic type {@code List<Point>}, taken from a field. */
  static final class ListHolder {
    List<Point> points;

    java.lang.reflect.Type type() {
      try {
        return ListHolder.class.getDeclaredField("points").getGenericType();
      } catch (NoSuchFieldException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Object stream(Shape shape, String body) {
    return BodyStream.read(Binder.Body.JSON, shape, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The tree path's value, or INVALID when it reports errors or cannot parse. */
  private static Object tree(Shape shape, String body) {
    JsonNode node;
    try {
      node = Binder.Body.JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      return Shape.INVALID;
    }
    if (node == null || node.isMissingNode()) {
      return Shape.INVALID;
    }
    Violations v = new Violations();
    Object value;
    try {
      value = shape.fromJson(node, Loc.root("body"), v);
    } catch (RuntimeException e) {
      return Shape.INVALID;
    }
    return v.any() ? Shape.INVALID : value;
  }

  /** Streams {@code body} and checks it agrees with the tree; returns the streamed result. */
  private static Object agreed(Shape shape, String body) {
    Object streamed = stream(shape, body);
    Object tree = tree(shape, body);
    if (streamed != Shape.REREAD) {
      assertThat(tree).as("tree value of %s", body).isNotSameAs(Shape.INVALID).isEqualTo(streamed);
    }
    return streamed;
  }

  private static void streams(Shape shape, String body) {
    assertThat(agreed(shape, body)).as("streamed %s", body).isNotSameAs(Shape.REREAD);
  }

  private static void rereads(Shape shape, String body) {
    assertThat(agreed(shape, body)).as("reread %s", body).isSameAs(Shape.REREAD);
  }

  @Test
  void readsAValidBodyWithNoTreeAndTheSameValue() {
    String body = "{\"name\":\"hammer\",\"price\":9.5,\"tags\":[\"a\",\"b\"],\"category\":\"tools\",\"description\":\"steel\"}";
    assertThat(agreed(ITEM, body)).isEqualTo(
        new ItemIn("hammer", 9.5, List.of("a", "b"), Category.TOOLS, Optional.of("steel")));
    streams(ITEM, "{\"price\":1,\"name\":\"x\"}"); // any order, defaults, an int for a double
    assertThat(stream(ITEM, "{\"name\":\"x\",\"price\":2}"))
        .isEqualTo(new ItemIn("x", 2.0, List.of(), Category.TOOLS, Optional.empty()));
    streams(ITEM, " \n{ \"name\" : \"x\" , \"price\" : 3e2 }\n ");
    streams(ITEM, "{\"name\":\"\\u00e9\\n\",\"price\":1.5}");
    streams(ITEM, "{\"name\":\"x\",\"price\":1,\"category\":\"books\"}");
    streams(ITEM, "{\"name\":\"x\",\"price\":9007199254740993}"); // a long read as double, as the tree does
    streams(ITEM, "{\"name\":\"x\",\"price\":1.7976931348623157e308}");
    streams(ITEM, "{\"name\":\"x\",\"price\":4.9e-324}");
  }

  record Loose(Object any, JsonNode tree, java.util.Map<String, Object> meta, List<Object> tags) {}

  @Test
  void anyJsonValueStreamsAsTheTreeReadsIt() {
    Shape loose = SHAPES.shape(Loose.class, new Annotation[0], "test");
    String body = "{\"any\":{\"a\":[1,2.5,null,\"x\"],\"big\":123456789012345678901234567890},"
        + "\"tree\":[true,{}],\"meta\":{\"l\":12345678901,\"o\":{\"n\":null}},\"tags\":[1,\"a\",[]]}";
    Loose read = (Loose) agreed(loose, body);
    assertThat(read.any()).isEqualTo(java.util.Map.of("a", java.util.Arrays.asList(1, 2.5, null, "x"),
        "big", new java.math.BigInteger("123456789012345678901234567890")));
    assertThat(read.tree().isArray()).isTrue();
    assertThat(read.meta().get("l")).isEqualTo(12345678901L);
    // a null where the record (or a list or map) holds the value is read by the tree: null marks "not sent" there
    rereads(loose, "{\"any\":null,\"tree\":1,\"meta\":{},\"tags\":[]}");
    rereads(loose, "{\"any\":1,\"tree\":1,\"meta\":{\"a\":null},\"tags\":[]}");
    assertThat(tree(loose, "{\"any\":null,\"tree\":null,\"meta\":{\"a\":null},\"tags\":[null]}"))
        .isEqualTo(new Loose(null, com.fasterxml.jackson.databind.node.NullNode.instance,
            java.util.Collections.singletonMap("a", null), java.util.Collections.singletonList(null)));
  }

  @Test
  void unknownMembersAreReadAndDropped() {
    streams(ITEM, "{\"name\":\"x\",\"price\":1,\"extra\":{\"a\":[1,2.5,\"s\",null,true,{\"b\":[]}]},\"more\":7}");
    streams(ITEM, "{\"other\":[[[]]],\"name\":\"x\",\"price\":1}");
    streams(ITEM, "{\"name\":\"x\",\"price\":1,\"big\":123456789012345678901234567890}");
    streams(ITEM, "{\"name\":\"x\",\"price\":1,\"inf\":1e400,\"nan\":NaN}"); // unknown: no rule applies
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"bad\":\"\\q\"}"); // an invalid escape the tree refuses
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"bad\":[1,}"); // malformed inside an unknown value
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"huge\":1" + "0".repeat(1500) + "}"); // past the parser's number limit
  }

  @Test
  void nullAndMissingAreNotTheSame() {
    assertThat(stream(ITEM, "{\"name\":\"x\",\"price\":1,\"description\":null}"))
        .isEqualTo(new ItemIn("x", 1.0, List.of(), Category.TOOLS, Optional.empty()));
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"tags\":null}"); // tags is not Optional
    rereads(ITEM, "{\"name\":null,\"price\":1}");
    rereads(ITEM, "{\"price\":1}"); // missing required
    rereads(ITEM, "null");
    assertThat(agreed(new OptionalShape(ITEM), "null")).isEqualTo(Optional.empty());
  }

  @Test
  void aMemberSentTwiceGoesToTheTreeWhichKeepsTheLast() {
    rereads(ITEM, "{\"name\":\"x\",\"name\":\"y\",\"price\":1}");
    assertThat(tree(ITEM, "{\"name\":\"\",\"name\":\"y\",\"price\":1}")).isEqualTo(
        new ItemIn("y", 1.0, List.of(), Category.TOOLS, Optional.empty()));
    streams(ITEM, "{\"name\":\"x\",\"dup\":1,\"dup\":2,\"price\":1}"); // unknown duplicates change nothing
  }

  @Test
  void everyRefusalOrCoercionGoesToTheTree() {
    rereads(ITEM, "{\"name\":\"\",\"price\":1}"); // too short
    rereads(ITEM, "{\"name\":\"x\",\"price\":0}"); // not > 0
    rereads(ITEM, "{\"name\":\"x\",\"price\":-0.0}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":\"1.5\"}"); // a numeric string: a coercion
    rereads(ITEM, "{\"name\":\"x\",\"price\":true}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":1e400}"); // not finite
    rereads(ITEM, "{\"name\":\"x\",\"price\":-1e400}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":NaN}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":Infinity}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":123456789012345678901234567890}"); // a big int for a double
    rereads(ITEM, "{\"name\":1,\"price\":1}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"category\":\"food\"}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"tags\":\"a\"}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"tags\":[\"a\",1]}");
    rereads(ITEM, "{\"name\":\"x\",\"price\":1,\"description\":\"" + "d".repeat(301) + "\"}");
    rereads(ITEM, "[]");
    rereads(ITEM, "\"text\"");
  }

  @Test
  void integersAtTheirEdges() {
    streams(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":2147483647,\"y\":9223372036854775807}]}");
    streams(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":-2147483648,\"y\":-9223372036854775808}]}");
    streams(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1,\"y\":2147483648}]}");
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":2147483648,\"y\":1}]}"); // past int
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1,\"y\":9223372036854775808}]}"); // past long
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1.0,\"y\":1}]}"); // an integral float: a coercion
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1.5,\"y\":1}]}");
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":\"1\",\"y\":1}]}");
  }

  @Test
  void nestedRecordsAndListsOfRecords() {
    assertThat(agreed(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1,\"y\":2},{\"y\":4,\"x\":3}],\"origin\":{\"x\":0,\"y\":0}}"))
        .isEqualTo(new Shape2("a", List.of(new Point(1, 2), new Point(3, 4)), Optional.of(new Point(0, 0)), true, "x"));
    streams(SHAPE2, "{\"name\":\"a\",\"points\":[],\"origin\":null,\"visible\":false,\"label\":\" y \"}");
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1}]}"); // missing inside a list element
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[{\"x\":1,\"y\":2,\"x\":3}]}");
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[null]}");
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":{}}");
    rereads(SHAPE2, "{\"name\":\"A\",\"points\":[]}"); // pattern
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[],\"label\":\"  \"}"); // blank
    rereads(SHAPE2, "{\"name\":\"a\",\"points\":[],\"visible\":\"yes\"}"); // a coercion
    assertThat(agreed(POINTS, "[{\"x\":1,\"y\":2}]")).isEqualTo(List.of(new Point(1, 2)));
    streams(POINTS, "[]");
    rereads(POINTS, "[{\"x\":1,\"y\":2},]");
  }

  @Test
  void aConstructorThatThrowsIsLeftToTheTree() {
    streams(PICKY, "{\"n\":12}");
    assertThat(stream(PICKY, "{\"n\":13}")).isSameAs(Shape.REREAD);
  }

  @Test
  void malformedOrTrailingOrEmptyBodiesGoToTheTree() {
    for (String body : List.of("", " ", "\n\t", "{", "{\"name\"", "{\"name\":", "{\"name\":\"x\"", "{\"name\":\"x\",",
        "{\"name\":\"x\",}", "{\"name\" \"x\"}", "{name:\"x\"}", "{'name':'x'}", "{\"name\":\"x\u0001\",\"price\":1}",
        "{\"name\":\"x\",\"price\":01}", "{\"name\":\"x\",\"price\":1.}", "{\"name\":\"x\",\"price\":+1}",
        "{\"name\":\"x\",\"price\":1}x", "{\"name\":\"x\",\"price\":1} {}", "{\"name\":\"x\",\"price\":1}}",
        "{\"name\":\"x\",\"price\":1}]", "{\"name\":\"x\",\"price\":1} // c", "/* c */ {\"name\":\"x\",\"price\":1}",
        "{\"name\":\"x\",\"price\":1,\"tags\":[\"a\" \"b\"]}")) {
      assertThat(stream(ITEM, body)).as("%s", body).isSameAs(Shape.REREAD);
    }
    streams(ITEM, "{\"name\":\"x\",\"price\":1}   \r\n");
  }

  @Test
  void deepNestingInAnUnknownMemberFollowsTheParsersLimit() {
    agreed(ITEM, "{\"name\":\"x\",\"price\":1,\"deep\":" + "[".repeat(2000) + "]".repeat(2000) + "}");
    streams(ITEM, "{\"name\":\"x\",\"price\":1,\"deep\":" + "[".repeat(100) + "]".repeat(100) + "}");
  }
}
