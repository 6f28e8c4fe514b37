package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JSON bodies through a real server: the app's codec reads requests and writes responses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonOverHttpTest {
  record Order(String itemName, int itemCount) {}

  static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Conflict(String m) {
      super(m);
    }
  }

  private static final String TIME_JSON =
      "{\"at\":\"2024-05-01T10:00:00Z\",\"d\":\"PT0.5S\",\"e\":null,\"o\":1}";

  private static Map<String, Object> timeValues() {
    return new TreeMap<>(Map.of("at", Instant.parse("2024-05-01T10:00:00Z"), "d", Duration.ofMillis(500),
        "o", Optional.of(1), "e", Optional.empty()));
  }

  @Test
  void javaTimeAndOptionalAreWrittenAsIsoStringsAndValues() {
    App app = App.builder()
        .get("/blocking", req -> Response.json(timeValues()))
        .getAsync("/async", req -> CompletableFuture.completedFuture(Response.json(timeValues())))
        .build();
    try (TestClient client = TestClient.start(app)) {
      for (String path : new String[] {"/blocking", "/async"}) {
        TestResponse r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.header("content-type")).contains("application/json");
        assertThat(r.text()).as(path).isEqualTo(TIME_JSON);
        // Encoded before the head is written, so the length is known: no chunking.
        assertThat(r.header("content-length")).contains(Integer.toString(TIME_JSON.length()));
      }
    }
  }

  @Test
  void laneStatisticsAreServedAsJson() {
    App app = App.builder()
        .get("/stats", req -> Response.json(req.lanes().get(Lanes.ENDPOINTS).statistics()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.get("/stats");
      assertThat(r.status()).isEqualTo(200);
      JsonNode stats = r.json();
      assertThat(stats.get("name").asText()).isEqualTo("endpoints");
      assertThat(stats.get("borrowed").asInt()).isEqualTo(1); // this very request
      assertThat(stats.get("meanQueueWait").asText()).startsWith("PT");
      assertThat(stats.get("p99QueueWait").isTextual()).isTrue();
      assertThat(Duration.parse(stats.get("totalQueueWait").asText()).isNegative()).isFalse();
    }
  }

  @Test
  void theAppsCodecReadsRequestsAndWritesResponses() {
    JsonCodec snake = JsonCodec.of(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    App app = App.builder()
        .json(snake)
        .post("/orders", req -> {
          Order o = req.json(Order.class);
          return Response.json(new Order(o.itemName().toUpperCase(java.util.Locale.ROOT), o.itemCount() * 2))
              .withStatus(201);
        })
        .exceptionHandler(Conflict.class, e -> Response.json(new Order(e.getMessage(), 0)).withStatus(409))
        .get("/conflict", req -> {
          throw new Conflict("taken");
        })
        .build();
    assertThat(app.json()).isSameAs(snake);
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.postJson("/orders", "{\"item_name\":\"bolt\",\"item_count\":2}");
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.text()).isEqualTo("{\"item_name\":\"BOLT\",\"item_count\":4}");

      TestResponse camel = client.postJson("/orders", "{\"itemName\":\"bolt\",\"itemCount\":2}");
      assertThat(camel.status()).isEqualTo(400); // the snake_case codec read it, and knows no such field
      assertThat(camel.text()).startsWith("invalid JSON body: Unrecognized field \"itemName\"");

      TestResponse conflict = client.get("/conflict"); // an exception handler's JSON, same codec
      assertThat(conflict.status()).isEqualTo(409);
      assertThat(conflict.text()).isEqualTo("{\"item_name\":\"taken\",\"item_count\":0}");
    }
  }

  record Flags(String name, long size, boolean hidden, double weight) {}

  @Test
  void aMissingOrNullPrimitiveIs400NamingTheField() {
    App app = App.builder()
        .post("/flags", req -> Response.json(req.json(Flags.class)))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse whole = client.postJson("/flags", "{\"name\":\"a\",\"size\":2,\"hidden\":true,\"weight\":0.5}");
      assertThat(whole.status()).isEqualTo(200);
      assertThat(whole.text()).isEqualTo("{\"name\":\"a\",\"size\":2,\"hidden\":true,\"weight\":0.5}");
      // 0 or false would be indistinguishable from a value the client sent.
      for (String field : new String[] {"size", "hidden", "weight"}) {
        String missing = whole.text().replaceAll(",?\"" + field + "\":[^,}]*", "").replace("{,", "{");
        TestResponse r = client.postJson("/flags", missing);
        assertThat(r.status()).as(missing).isEqualTo(400);
        assertThat(r.text()).as(missing).startsWith("invalid JSON body: ").contains("'" + field + "'")
            .doesNotContain("dev.lanes").doesNotContain("DeserializationFeature");
        String nulled = whole.text().replaceAll("(\"" + field + "\":)[^,}]*", "$1null");
        TestResponse n = client.postJson("/flags", nulled);
        assertThat(n.status()).as(nulled).isEqualTo(400);
        assertThat(n.text()).as(nulled).contains("'" + field + "'").doesNotContain("DeserializationFeature");
      }
    }
  }

  /** Serialised as the name of the thread that serialises it. */
  record WhereSerialised() {}

  @Test
  void jsonIsSerialisedOnTheThreadThatFinishesTheHandlerNotOnTheLoop() throws Exception {
    JsonCodec codec = JsonCodec.defaults().with(new SimpleModule().addSerializer(WhereSerialised.class,
        new StdSerializer<WhereSerialised>(WhereSerialised.class) {
          private static final long serialVersionUID = 1L;

          @Override
          public void serialize(WhereSerialised v, JsonGenerator gen, SerializerProvider p) throws IOException {
            gen.writeString(Thread.currentThread().getName());
          }
        }));
    CompletableFuture<Response> later = new CompletableFuture<>();
    App app = App.builder().json(codec)
        .getAsync("/later", req -> later)
        .getAsync("/now", req -> CompletableFuture.completedFuture(Response.json(new WhereSerialised())))
        .build();
    // Completed off the loop once the server waits on it (as a blocking handler's lane does).
    Thread finisher = Thread.ofPlatform().name("finisher").start(() -> {
      Await.until(() -> later.getNumberOfDependents() > 0, "the server waits on the handler");
      later.complete(Response.json(new WhereSerialised()));
    });
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/later").json().asText()).isEqualTo("finisher");
      assertThat(client.get("/now").json().asText()).startsWith("lanes-loop-"); // done at once: on the loop
    }
    finisher.join();
  }

  @Test
  void middlewareSeesTheValueBeforeItIsEncoded() {
    App app = App.builder()
        .middleware(next -> req -> next.call(req).thenApply(r -> r.body() instanceof ResponseBody.Json json
            ? r.withHeader("X-Json-Type", json.value().getClass().getSimpleName()) : r))
        .get("/order", req -> Response.json(new Order("bolt", 1)))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse r = client.get("/order");
      assertThat(r.header("x-json-type")).contains("Order");
      assertThat(r.json().get("itemName").asText()).isEqualTo("bolt");
    }
  }

  @Test
  void anUnwritableValueIs500AndTheConnectionStaysUsable() throws Exception {
    App app = App.builder()
        .get("/blocking", req -> Response.json(new Object()))
        .getAsync("/async", req -> CompletableFuture.completedFuture(Response.json(new Object())))
        .get("/ok", req -> Response.json(Map.of("ok", true)))
        .build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      for (String path : new String[] {"/blocking", "/async"}) {
        raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw.readUntil("\r\n\r\n")).as(path).startsWith("HTTP/1.1 500");
        assertThat(raw.readUntil("Internal Server Error")).isNotEmpty();
      }
      raw.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"); // same connection
      assertThat(raw.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 200").contains("content-length: 11");
      assertThat(raw.readUntil("}")).isEqualTo("{\"ok\":true}");
    }
  }

  @Test
  void anHttp10ClientKeepsItsConnectionForJson() throws Exception {
    App app = App.builder().get("/ok", req -> Response.json(Map.of("ok", true))).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      for (int i = 0; i < 2; i++) {
        raw.send("GET /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        String head = raw.readUntil("\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: 11").containsIgnoringCase("keep-alive");
        assertThat(new String(raw.readUntil("}").getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
            .isEqualTo("{\"ok\":true}");
      }
    }
  }
}
