package dev.lanes.typed;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanes.http.JsonCodec;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binding {@code benchmarks/typed.sh}'s 5-field POST body three ways, on one thread:
 *
 * <ul>
 *   <li>{@code tree}: the typed layer's tree path (Jackson tree, then the shapes walk it; what
 *       every body took before the streaming read, and what a body with errors still takes);
 *   <li>{@code streamed}: the typed layer's streaming read, constraints included;
 *   <li>{@code databind}: the raw route's {@code req.json(RawItemIn.class)} (Jackson databind
 *       through the default {@link JsonCodec}), without its hand-written checks.
 * </ul>
 *
 * <p>In package {@code dev.lanes.typed} to reach the package-private shapes; it is not part of
 * the module. Run: {@code java -jar benchmarks/target/benchmarks.jar TypedBodyBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TypedBodyBenchmark {
  /** As in {@code TypedVsRaw}. */
  public enum Category {
    @JsonProperty("tools") TOOLS,
    @JsonProperty("books") BOOKS,
    @JsonProperty("games") GAMES
  }

  /** The typed route's body. */
  public record ItemIn(
      @Size(min = 1, max = 50) String name,
      @Positive double price,
      @Default("[]") List<String> tags,
      @Default("tools") Category category,
      @Size(max = 300) Optional<String> description) {}

  /** The raw route's body, filled by databind. */
  public record RawItemIn(String name, Double price, List<String> tags, Category category, String description) {}

  private static final Loc BODY = Loc.root("body");

  private final byte[] body = "{\"name\":\"hammer\",\"price\":9.5,\"tags\":[\"a\",\"b\"],\"category\":\"tools\",\"description\":\"steel\"}"
      .getBytes(StandardCharsets.UTF_8);
  private final Shape shape = new ShapeCompiler(java.time.Clock.systemDefaultZone()).shape(ItemIn.class, new Annotation[0], "benchmark");
  private final JsonCodec codec = JsonCodec.defaults();

  @Benchmark
  public Object tree() throws java.io.IOException {
    return shape.fromJson(Binder.Body.JSON.readTree(body), BODY, new Violations());
  }

  @Benchmark
  public Object streamed() {
    return BodyStream.read(Binder.Body.JSON, shape, body);
  }

  @Benchmark
  public Object databind() {
    return codec.read(body, RawItemIn.class);
  }
}
