package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.lanes.background.BackgroundTasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonCodecTest {
  record Item(String name, int qty) {}

  record Bag(List<Item> items, Map<String, Item> byName, Item[] array) {}

  record Stamp(Instant at, Duration took, LocalDate day, Optional<String> note) {}

  private static final JsonCodec CODEC = JsonCodec.defaults();

  private static String write(JsonCodec codec, Object value) {
    return new String(codec.write(value), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesJavaTimeAsIsoStringsAndOptionalsAsTheirValue() {
    Map<String, Object> value = new TreeMap<>(Map.of(
        "at", Instant.parse("2024-05-01T10:00:00Z"),
        "d", Duration.ofMillis(500),
        "day", LocalDate.of(2024, 5, 1),
        "o", Optional.of(1),
        "e", Optional.empty()));
    assertThat(write(CODEC, value)).isEqualTo(
        "{\"at\":\"2024-05-01T10:00:00Z\",\"d\":\"PT0.5S\",\"day\":\"2024-05-01\",\"e\":null,\"o\":1}");
  }

  @Test
  void readsWhatItWrites() {
    Stamp s = new Stamp(Instant.parse("2024-05-01T10:00:00.123Z"), Duration.ofSeconds(90),
        LocalDate.of(2024, 5, 1), Optional.of("hi"));
    assertThat(CODEC.read(CODEC.write(s), Stamp.class)).isEqualTo(s);
    assertThat(CODEC.read(utf8("{\"at\":\"2024-05-01T10:00:00Z\",\"took\":\"PT1S\",\"day\":\"2024-05-01\",\"note\":null}"),
        Stamp.class).note()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{nope                                | invalid JSON body: Unexpected character",
      "{\"name\":\"x\",\"qty\":1,\"zzz\":1} | invalid JSON body: Unrecognized field \"zzz\"",
      "{\"name\":\"x\",\"qty\":1} {}         | invalid JSON body: Trailing token",
      "{\"name\":\"x\",\"qty\":\"many\"}     | invalid JSON body: Cannot deserialize value of type `int`",
  })
  void clientMistakesAre400WithACleanMessage(String body, String message) {
    assertThatThrownBy(() -> CODEC.read(utf8(body), Item.class))
        .isInstanceOfSatisfying(HttpException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith(message).doesNotContain("dev.lanes").doesNotContain("JsonCodecTest");
        });
  }

  @Test
  void aMissingOrNullPrimitiveIs400NamingWhereItIs() {
    for (String body : new String[] {"{\"name\":\"x\"}", "{\"name\":\"x\",\"qty\":null}"}) {
      assertThatThrownBy(() -> CODEC.read(utf8(body), Item.class))
          .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessage("invalid JSON body: Cannot map `null` into type `int` at 'qty'");
    }
    assertThatThrownBy(() -> CODEC.read(utf8("{\"items\":[{\"name\":\"x\"}]}"), Bag.class))
        .hasMessageEndingWith(" at 'items[0].qty'");
  }

  /** A stored value is no request: what does not read says which field and what, with no HTTP status or wording. */
  @Test
  void aValueThatIsNoRequestBodyFailsAsAnArgumentNamingTheFieldWithoutHttpWording() {
    assertThat(CODEC.readValue(utf8("{\"name\":\"x\",\"qty\":2}"), Item.class)).isEqualTo(new Item("x", 2));
    assertThatThrownBy(() -> CODEC.readValue(utf8("{\"items\":[{\"name\":\"x\",\"qty\":\"many\"}]}"), Bag.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field 'items[0].qty': Cannot deserialize value of type `int` from String \"many\"");
    // Past a reading limit: no mapping error, but the parser knows where it was.
    assertThatThrownBy(() -> CODEC.readValue(utf8("{\"items\":[{\"name\":\"x\",\"qty\":1" + "0".repeat(1000) + "}]}"), Bag.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field 'items[0].qty': Number value length (1001) exceeds the maximum allowed (1000");
    assertThatThrownBy(() -> CODEC.readValue(utf8("{\"name\":\"x\",\"qty\":1} {}"), Item.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Trailing token");
    assertThatThrownBy(() -> CODEC.readValue(utf8("{\"name\":\"x\"}"), Item.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("field 'qty': Cannot map `null` into type `int`");
    assertThatThrownBy(() -> CODEC.readValue(utf8("{nope"), Item.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unexpected character");
    assertThatThrownBy(() -> CODEC.readValue(new byte[0], Item.class))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No content");
  }

  /** 1.5 read into an int was 1: data the client sent, silently lost, as a null would have been 0. */
  @Test
  void aFractionalNumberForAnIntegerIs400NotTruncated() {
    assertThatThrownBy(() -> CODEC.read(utf8("{\"name\":\"x\",\"qty\":1.5}"), Item.class))
        .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("invalid JSON body: ")
        .hasMessageEndingWith(" at 'qty'")
        .hasMessageNotContaining("CoercionConfig");
  }

  /** Array and generic types are named without their packages and enclosing classes too. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"items\":{}}  | `ArrayList<Item>`",
      "{\"byName\":[]} | `LinkedHashMap<String,Item>`",
      "{\"array\":{}}  | `Item[]`",
  })
  void containerTypesInAMessageDoNotNameTheServersClasses(String body, String type) {
    assertThatThrownBy(() -> CODEC.read(utf8(body), Bag.class))
        .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.getMessage())
            .contains(type).doesNotContain("dev.lanes").doesNotContain("java.util").doesNotContain("JsonCodecTest"));
  }

  @Test
  void anEmptyBodyIs400() {
    assertThatThrownBy(() -> CODEC.readTree(new byte[0]))
        .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("expected a JSON body, got an empty one");
  }

  @Test
  void readsATree() {
    assertThat(CODEC.readTree(utf8("{\"a\":[1,2]}")).get("a").get(1).asInt()).isEqualTo(2);
  }

  @Test
  void anUnwritableValueIsAProgrammingError() {
    assertThatThrownBy(() -> CODEC.write(new Object()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot serialise java.lang.Object as JSON");
  }

  @Test
  void ofUsesACopyOfTheUsersMapper() {
    ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    JsonCodec codec = JsonCodec.of(mapper);
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE); // too late: the codec is immutable
    record Order(String itemName) {}
    assertThat(write(codec, new Order("bolt"))).isEqualTo("{\"item_name\":\"bolt\"}");
    // Nothing is added to a user's mapper: without JavaTimeModule an Instant cannot be written.
    assertThatThrownBy(() -> codec.write(Instant.EPOCH)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withAddsModulesAndLeavesTheOriginalAlone() {
    SimpleModule quoted = new SimpleModule("quoted-ints").addSerializer(Integer.class, ToStringSerializer.instance);
    JsonCodec codec = CODEC.with(quoted);
    assertThat(write(codec, List.of(1, Duration.ofSeconds(2)))).isEqualTo("[\"1\",\"PT2S\"]");
    assertThat(write(CODEC, List.of(1))).isEqualTo("[1]");
  }

  @Test
  void encodeTurnsAJsonBodyIntoBytesAndKeepsTheRest() {
    BackgroundTasks tasks = BackgroundTasks.create().add("t", () -> {});
    Response lazy = Response.json(Map.of("a", 1)).withStatus(201).withHeader("Location", "/a/1")
        .withBackground(tasks);
    assertThat(lazy.body()).isInstanceOf(ResponseBody.Json.class);
    assertThat(lazy.body().length()).isEqualTo(-1);

    Response sent = CODEC.encode(lazy);
    assertThat(sent.body()).isInstanceOfSatisfying(ResponseBody.Bytes.class,
        b -> assertThat(new String(b.data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}"));
    assertThat(sent.body().length()).isEqualTo(7);
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.contentType()).contains("application/json");
    assertThat(sent.header("location")).contains("/a/1");
    assertThat(sent.background()).isSameAs(tasks);
  }

  @Test
  void encodeKeepsAContentTypeTheHandlerChose() {
    Response problem = Response.json(Map.of("title", "nope")).withHeader("Content-Type", "application/problem+json");
    assertThat(CODEC.encode(problem).contentType()).contains("application/problem+json");
    Response bare = Response.of(200, null, new ResponseBody.Json(List.of()));
    assertThat(CODEC.encode(bare).contentType()).contains("application/json");
  }

  @Test
  void encodeLeavesOtherBodiesAlone() {
    Response text = Response.text("hi");
    assertThat(CODEC.encode(text)).isSameAs(text);
  }

  @Test
  void encodingAnUnwritableValueIsAProgrammingError() {
    Response r = Response.json(new Object()); // lazy: nothing fails yet
    assertThatThrownBy(() -> CODEC.encode(r)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aNullValueIsRefusedWhereItIsGiven() {
    assertThatThrownBy(() -> Response.json(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("Optional.empty()");
  }

  @Test
  void buffersUsedOnVirtualThreadsGoBackToOneBoundedPool() throws Exception {
    JsonCodec codec = JsonCodec.of(new ObjectMapper());
    List<Callable<Item>> roundTrips = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Item item = new Item("item" + i, i);
      roundTrips.add(() -> codec.read(codec.write(item), Item.class));
    }
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Item> done : threads.invokeAll(roundTrips)) {
        assertThat(done.get().name()).startsWith("item");
      }
    }
    // Jackson's per-thread default pools nothing (-1): each of the 200 threads made its own buffers.
    assertThat(codec.bufferPool().pooledCount()).isBetween(1, 64);
  }

  @Test
  void aPlatformThreadKeepsItsOwnBuffersOutOfTheSharedPool() {
    JsonCodec codec = JsonCodec.of(new ObjectMapper());
    for (int i = 0; i < 100; i++) {
      Item item = new Item("item" + i, i);
      assertThat(codec.read(codec.write(item), Item.class)).isEqualTo(item);
    }
    // An event loop writes with its thread's own buffers, taking no lock of the shared pool.
    assertThat(codec.bufferPool().pooledCount()).isZero();
    assertThat(codec.bufferPool().acquireAndLinkPooled()).isSameAs(codec.bufferPool().acquireAndLinkPooled());
  }

  @Test
  void aBufferPoolTheUserChoseIsKeptAndTheirMapperLeftAlone() {
    RecyclerPool<BufferRecycler> mine = JsonRecyclerPools.newConcurrentDequePool();
    ObjectMapper custom = new ObjectMapper();
    custom.getFactory().setRecyclerPool(mine);
    assertThat(JsonCodec.of(custom).bufferPool()).isSameAs(mine);

    ObjectMapper plain = new ObjectMapper();
    assertThat(JsonCodec.of(plain).bufferPool()).isNotSameAs(JsonRecyclerPools.defaultPool());
    assertThat(plain.getFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.defaultPool());
    assertThat(JsonCodec.defaults().bufferPool()).isNotSameAs(JsonRecyclerPools.defaultPool());
  }

  @Test
  void writingToAStreamGivesTheSameBytesLeavesItOpenAndStopsAtItsFailure() throws Exception {
    JsonCodec codec = JsonCodec.of(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    record Named(String firstName) {}
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream() {
      @Override
      public void close() {
        throw new AssertionError("the caller's stream is closed by the caller");
      }
    };
    codec.write(new Named("Ada"), out);
    assertThat(out.toByteArray()).isEqualTo(codec.write(new Named("Ada")));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"first_name\":\"Ada\"}");

    java.io.IOException full = new java.io.IOException("full");
    java.io.OutputStream failing = new java.io.OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw full;
      }

      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        throw full;
      }
    };
    assertThatThrownBy(() -> codec.write(new Named("x".repeat(100_000)), failing)).isSameAs(full);
  }
}
