package dev.lanes.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an app reads and writes JSON (Jackson). Immutable and thread-safe; each app has one
 * ({@code App.Builder.json}), used by {@link Request#json(Class)} and to encode
 * {@link Response#json} bodies before they are sent.
 *
 * <pre>{@code
 * App.builder().json(JsonCodec.of(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)))
 * }</pre>
 */
public final class JsonCodec {
  private static final JsonCodec DEFAULTS = new JsonCodec(new ObjectMapper()
      // A typo in a client's body is a 400, not silently ignored data.
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // A missing or null int is not 0, a boolean not false: the client did not send them.
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // Nor is 1.5 an int 1: Jackson truncates a fractional number silently.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .registerModule(new Jdk8Module()));

  // Idle buffer sets kept for virtual threads (about 14 KB each once used for a write). Jackson's
  // default pool keeps one per thread, but a handler's virtual thread lives for one request, so
  // every write or read on one allocated a fresh set: at 10 000 concurrent blocking requests, most
  // of the server's allocation. Platform threads keep their own (JsonBufferPool).
  private static final int BUFFER_POOL_SIZE = 64;

  /**
   * Jackson's advice to the server's developer: "(set DeserializationConfig.DeserializationFeature.X
   * to 'false' to allow)", "(but could if coercion was enabled using `CoercionConfig`)".
   */
  private static final Pattern CONFIG_HINT = Pattern.compile("\\s*\\((?:set|enable|disable|but could if) [^)]*\\)");
  private static final Pattern QUOTED_TYPE = Pattern.compile("`[^`]*`");
  /** A qualified or nested class name (not a method: {@code StreamReadConstraints.getMaxNestingDepth()}). */
  private static final Pattern QUALIFIED_NAME = Pattern.compile("(?:[A-Za-z_][A-Za-z0-9_]*[.$])+([A-Za-z0-9_]++)(?!\\()");

  private final ObjectMapper mapper; // never handed out, so never reconfigured
  private final ObjectWriter streamWriter; // the mapper's, leaving the caller's stream open

  private JsonCodec(ObjectMapper mapper) {
    JsonFactory factory = mapper.getFactory();
    // A pool the user chose stays; only Jackson's per-thread default is replaced.
    if (factory._getRecyclerPool() == JsonRecyclerPools.defaultPool()) {
      factory.setRecyclerPool(new JsonBufferPool(BUFFER_POOL_SIZE));
    }
    this.mapper = mapper;
    this.streamWriter = mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /**
   * Unknown properties, trailing tokens, a missing or null value for a primitive
   * ({@code int}, {@code boolean}, ...) and a fractional number for an integer are rejected;
   * {@code java.time} values are ISO-8601
   * strings ({@code "2024-05-01T10:00:00Z"}, {@code "PT0.5S"}); an {@link java.util.Optional}
   * is its value or {@code null}.
   */
  public static JsonCodec defaults() {
    return DEFAULTS;
  }

  /**
   * A codec over a copy of {@code mapper}, so later changes to it do not reach the codec. Nothing
   * is added: register {@code JavaTimeModule} and {@code Jdk8Module} yourself if you need them.
   *
   * @throws IllegalStateException if {@code mapper} is a subclass that does not support
   *     {@link ObjectMapper#copy()}
   */
  public static JsonCodec of(ObjectMapper mapper) {
    return new JsonCodec(Objects.requireNonNull(mapper, "mapper").copy());
  }

  /** This codec with {@code modules} registered too: {@code JsonCodec.defaults().with(new GuavaModule())}. */
  public JsonCodec with(Module... modules) {
    for (Module m : modules) {
      Objects.requireNonNull(m, "module");
    }
    return new JsonCodec(mapper.copy().registerModules(modules));
  }

  /** The pool this codec's parsers and generators take their buffers from; for tests. */
  RecyclerPool<BufferRecycler> bufferPool() {
    return mapper.getFactory()._getRecyclerPool();
  }

  /** Serialises {@code value}; a value Jackson cannot write is a programming error (500). */
  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      String type = value == null ? "null" : value.getClass().getName();
      throw new IllegalStateException("cannot serialise " + type + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Serialises {@code value} into {@code out} as it is written, never whole in memory: an output
   * that refuses more than a bound stops the write there. {@code out} is flushed, not closed: the
   * caller, who opened it, closes it.
   *
   * <pre>{@code
   * try (OutputStream out = Files.newOutputStream(path)) {
   *   codec.write(value, out);
   * }
   * }</pre>
   *
   * @throws IllegalStateException if Jackson cannot write the value, as {@link #write(Object)}
   * @throws IOException what {@code out} threw (the write stops at it)
   */
  public void write(Object value, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    try {
      streamWriter.writeValue(out, value);
    } catch (JsonProcessingException e) {
      String type = value == null ? "null" : value.getClass().getName();
      throw new IllegalStateException("cannot serialise " + type + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a request body; malformed or mistyped JSON is the client's fault (400), its message naming the field. */
  public <T> T read(byte[] body, Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (body.length == 0) {
      throw new HttpException(400, "expected a JSON body, got an empty one");
    }
    try {
      return mapper.readValue(body, type);
    } catch (IOException e) {
      throw new HttpException(400, "invalid JSON body: " + clientMessage(e));
    }
  }

  /**
   * Parses JSON that is not a request body (a stored value, a queued message) with the same
   * rules as {@link #read}; what does not read is the caller's to report, so it is no HTTP error.
   *
   * <pre>{@code Job job = codec.readValue(storedBytes, Job.class); }</pre>
   *
   * @throws IllegalArgumentException naming the field and the problem ({@code field 'n': Cannot
   *     deserialize value of type `int` from String "many"...}), or only the problem at the top level
   */
  public <T> T readValue(byte[] json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
    try (JsonParser parser = mapper.createParser(json)) {
      try {
        return mapper.readValue(parser, type);
      } catch (IOException e) {
        // A value past a reading limit is the parser's error (below the top level wrapped in a
        // mapping error whose path stops at the enclosing object): the parser knows where it was.
        boolean parsing = !(e instanceof JsonMappingException)
            || e.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException);
        String at = e instanceof JsonMappingException jme && !parsing ? path(jme.getPath()) : path(parser.getParsingContext());
        throw new IllegalArgumentException(at.isEmpty() ? problem(e) : "field '" + at + "': " + problem(e), e);
      }
    } catch (IOException e) { // opening or closing a parser over bytes: nothing to read or release fails
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a request body into a tree. */
  public JsonNode readTree(byte[] body) {
    return read(body, JsonNode.class);
  }

  /**
   * {@code response} with a {@link ResponseBody.Json} body serialised into
   * {@link ResponseBody.Bytes}; status, headers and background tasks are kept, and the content
   * type is {@code application/json} unless one was set. Any other response is returned as is.
   * The server calls this before writing.
   *
   * @throws IllegalStateException if the value cannot be serialised
   */
  public Response encode(Response response) {
    if (!(response.body() instanceof ResponseBody.Json json)) {
      return response;
    }
    return response.withEncodedBody(new ResponseBody.Bytes(write(json.value())));
  }

  private static String clientMessage(IOException e) {
    String m = problem(e);
    if (!(e instanceof JsonMappingException jme)) {
      return m;
    }
    String at = path(jme.getPath());
    return at.isEmpty() ? m : m + " at '" + at + "'";
  }

  /**
   * Jackson's original message, naming the problem; type names are cut to their simple name (no
   * package, no enclosing class) so no server internals leak.
   */
  private static String problem(IOException e) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return "unreadable";
    }
    m = m.replaceAll("\\(class [^)]*\\)", "");
    m = CONFIG_HINT.matcher(m).replaceAll("");
    // Every name in a quoted type, which may be an array or generic (`java.util.ArrayList<a.b.Item>`).
    m = QUOTED_TYPE.matcher(m).replaceAll(t -> java.util.regex.Matcher.quoteReplacement(
        QUALIFIED_NAME.matcher(t.group()).replaceAll("$1")));
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }

  /** Where in the value, as its writer named it: {@code "items[0].qty"}; empty at the top. */
  private static String path(List<JsonMappingException.Reference> path) {
    StringBuilder at = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        at.append(at.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        at.append('[').append(r.getIndex()).append(']');
      }
    }
    if (at.length() > 100) {
      at.setLength(100);
      at.append("...");
    }
    return at.toString();
  }

  /** Where the parser was when it stopped: {@code "items[0].qty"}; empty at the top. */
  private static String path(JsonStreamContext where) {
    List<String> steps = new ArrayList<>();
    for (JsonStreamContext c = where; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        steps.add(0, "." + c.getCurrentName());
      } else if (c.inArray() && c.getCurrentIndex() >= 0) {
        steps.add(0, "[" + c.getCurrentIndex() + "]");
      }
    }
    String at = String.join("", steps);
    at = at.startsWith(".") ? at.substring(1) : at;
    return at.length() > 100 ? at.substring(0, 100) + "..." : at;
  }

  @Override
  public String toString() {
    return "JsonCodec" + mapper.getRegisteredModuleIds();
  }
}
