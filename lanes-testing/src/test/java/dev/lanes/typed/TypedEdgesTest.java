package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Edges where the typed layer must agree with what it writes, documents and what FastAPI does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedEdgesTest {
  record Tagged(String name, Optional<List<String>> tags) {}

  record Item(@JsonProperty("item_name") String itemName, int qty) {}

  record ItemIn(String name) {}

  record Audit(String name) {}

  record Guard() {}

  static final class Deps {
    @Provides
    Guard guard(@Header Optional<String> xKey) {
      if (xKey.isEmpty()) {
        throw new HttpException(401, "Not authenticated");
      }
      return new Guard();
    }

    @Provides
    Audit audit(@Body ItemIn item) { // the only reader of the body is a dependency
      return new Audit(item.name());
    }
  }

  static final class Routes {
    @Get("/optlist")
    List<String> optList(@Query Optional<List<String>> tag) {
      return tag.orElse(List.of());
    }

    @Get("/hdrlist")
    List<String> hdrList(@Header Optional<List<String>> xTag) {
      return xTag.orElse(List.of());
    }

    @Post("/formopt")
    List<String> formOpt(@FormField Optional<List<String>> tag) {
      return tag.orElse(List.of());
    }

    @Post("/formrec")
    Tagged formRec(@FormField Tagged t) {
      return t;
    }

    @Get("/files/{file_path:path}")
    String file(@Path String filePath) {
      return filePath;
    }

    @Post("/item")
    Item item(@Body Item item) {
      return item;
    }

    @Post("/audited")
    String audited(Audit audit, @Query int n) {
      return audit.name() + n;
    }

    @Post("/guarded")
    String guarded(Guard g, Audit audit) {
      return audit.name();
    }

    @Get("/neg")
    double neg(@Query @Negative double x) {
      return x;
    }

    @Get("/nonneg")
    double nonNeg(@Query @PositiveOrZero double x) {
      return x;
    }

    @Get("/half")
    int half(@Query @DecimalMin("0.5") int n) {
      return n;
    }

    @Get("/ua")
    String ua(@dev.lanes.typed.Header("User-Agent") String agent, @dev.lanes.typed.Header("X-Trace") int trace) {
      return agent;
    }

    @Get("/flag")
    boolean flag(@Query boolean on) {
      return on;
    }

    @Get("/token")
    String token(@Header String xToken) {
      return xToken;
    }

    @Get("/cookie")
    String cookie(@Cookie String session) {
      return session;
    }
  }

  private static TestClient start() {
    TypedApi api = TypedApi.builder().provider(new Deps()).controller(new Routes()).build();
    return TestClient.start(api.install(App.builder()).build());
  }

  /** Optional<List<T>> takes every value of a repeated query parameter, header or form field, as List<T> does. */
  @Test
  void optionalListParametersKeepEveryValue() {
    try (TestClient client = start()) {
      TestResponse q = client.get("/optlist?tag=a&tag=b");
      assertThat(q.json()).as(q.text()).containsExactly(text("a"), text("b"));
      TestResponse h = client.send(client.request("/hdrlist").header("x-tag", "a").header("x-tag", "b"));
      assertThat(h.json()).as(h.text()).containsExactly(text("a"), text("b"));
      TestResponse f = client.post("/formopt", "tag=a&tag=b", "application/x-www-form-urlencoded");
      assertThat(f.json()).as(f.text()).containsExactly(text("a"), text("b"));
    }
  }

  /** An Optional<List<T>> component of a form record takes every value of its field. */
  @Test
  void optionalListComponentOfAFormRecordReadsEveryValue() {
    try (TestClient client = start()) {
      TestResponse r = client.post("/formrec", "name=x&tags=a&tags=b", "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("tags")).containsExactly(text("a"), text("b"));
    }
  }

  /** A typed path with a converter ({file_path:path}) is documented without it, as FastAPI's path_format. */
  @Test
  void documentPathTemplateHasNoConverter() {
    try (TestClient client = start()) {
      assertThat(client.get("/files/a/b.txt").text()).isEqualTo("\"a/b.txt\"");
      JsonNode paths = client.get("/openapi.json").json().get("paths");
      assertThat(paths.has("/files/{file_path}")).as(paths.toString()).isTrue();
      assertThat(paths.has("/files/{file_path:path}")).isFalse();
    }
  }

  /** @JsonProperty on a record component: written, read and documented under that name. */
  @Test
  void recordComponentNamesAgreeBetweenResponseBodyAndDocument() {
    try (TestClient client = start()) {
      TestResponse first = client.postJson("/item", "{\"item_name\":\"a\",\"qty\":1}");
      assertThat(first.status()).as(first.text()).isEqualTo(200);
      assertThat(first.json().has("item_name")).as(first.text()).isTrue(); // what Jackson writes
      JsonNode item = client.get("/openapi.json").json().at("/components/schemas/Item");
      assertThat(item.get("properties").has("item_name")).as("document says " + item).isTrue();
      assertThat(item.get("required").toString()).contains("item_name");
      TestResponse echo = client.postJson("/item", first.text()); // sending back what the API wrote
      assertThat(echo.status()).as(echo.text()).isEqualTo(200);
      TestResponse javaName = client.postJson("/item", "{\"itemName\":\"a\",\"qty\":1}");
      assertThat(javaName.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"item_name\"]");
    }
  }

  /** Malformed JSON read only by a dependency is reported alone, and before other dependencies run. */
  @Test
  void malformedJsonReadByADependencyIsReportedAloneAndFirst() {
    try (TestClient client = start()) {
      TestResponse r = client.post("/audited?n=x", "{\"name\":", "application/json");
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("detail")).as(r.text()).hasSize(1);
      TestResponse g = client.post("/guarded", "{\"name\":", "application/json");
      assertThat(g.status()).as(g.text()).isEqualTo(422);
    }
  }

  /** Signed zero: -0 is not negative and is >= 0. */
  @Test
  void negativeZeroIsZero() {
    try (TestClient client = start()) {
      TestResponse neg = client.get("/neg?x=-0");
      assertThat(neg.status()).as("@Negative accepted " + neg.text()).isEqualTo(422);
      TestResponse nonNeg = client.get("/nonneg?x=-0");
      assertThat(nonNeg.status()).as(nonNeg.text()).isEqualTo(200);
    }
  }

  /** @DecimalMin("0.5") on an int is documented and reported as 0.5, not rounded to 0. */
  @Test
  void fractionalBoundOnAnIntegerIsDocumentedAsIs() {
    try (TestClient client = start()) {
      TestResponse zero = client.get("/half?n=0");
      assertThat(zero.status()).isEqualTo(422);
      assertThat(zero.json().at("/detail/0/ctx/ge").doubleValue()).as(zero.text()).isEqualTo(0.5);
      JsonNode schema = client.get("/openapi.json").json().at("/paths/~1half/get/parameters/0/schema");
      assertThat(schema.get("minimum").doubleValue()).as(schema.toString()).isEqualTo(0.5);
    }
  }

  /**
   * An explicit header name keeps its spelling in the 422's loc and the document, as FastAPI keeps
   * Header(alias="X-Trace") (it was lower-cased); the header is still found in any case.
   */
  @Test
  void anExplicitHeaderNameKeepsItsSpelling() {
    try (TestClient client = start()) {
      TestResponse bad = client.send(client.request("/ua").header("user-agent", "a").header("x-trace", "nope"));
      assertThat(bad.json().at("/detail/0/loc").toString()).as(bad.text()).isEqualTo("[\"header\",\"X-Trace\"]");
      TestResponse ok = client.send(client.request("/ua").header("USER-AGENT", "a").header("x-TRACE", "7"));
      assertThat(ok.text()).as(ok.text()).isEqualTo("\"a\"");
      JsonNode params = client.get("/openapi.json").json().at("/paths/~1ua/get/parameters");
      assertThat(params.at("/0/name").asText()).isEqualTo("User-Agent");
      assertThat(params.at("/1/name").asText()).isEqualTo("X-Trace");
    }
  }

  /** A number thousands of digits long is out of range or not finite (a 422), not a stack overflow in the number's pattern. */
  @Test
  void numbersThousandsOfDigitsLongAreRefusedNotACrash() {
    try (TestClient client = start()) {
      String digits = "1".repeat(7000);
      TestResponse intQuery = client.get("/half?n=" + digits);
      assertThat(intQuery.status()).as(intQuery.text()).isEqualTo(422);
      assertThat(intQuery.json().at("/detail/0/type").asText()).isEqualTo("less_than_equal");
      TestResponse doubleQuery = client.get("/neg?x=" + digits.substring(0, 3500) + "_" + digits.substring(3500));
      assertThat(doubleQuery.status()).as(doubleQuery.text()).isEqualTo(422);
      assertThat(doubleQuery.json().at("/detail/0/type").asText()).isEqualTo("finite_number");
      TestResponse intInBody = client.postJson("/item", "{\"item_name\":\"a\",\"qty\":\"" + "1_".repeat(50000) + "1\"}");
      assertThat(intInBody.status()).as(intInBody.text()).isEqualTo(422);
      assertThat(intInBody.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"qty\"]");
    }
  }

  /** What pydantic's lax mode refuses that looks close to what it takes: "1." for an int, a boolean word with spaces. */
  @Test
  void laxReadingStopsWherePydanticsDoes() {
    try (TestClient client = start()) {
      assertThat(client.get("/half?n=1.00").text()).isEqualTo("1");
      assertThat(client.get("/half?n=%201.0%20").text()).isEqualTo("1");
      TestResponse dot = client.get("/half?n=1.");
      assertThat(dot.status()).as(dot.text()).isEqualTo(422);
      assertThat(dot.json().at("/detail/0/type").asText()).isEqualTo("int_parsing");
      assertThat(client.get("/flag?on=TRUE").text()).isEqualTo("true");
      for (String spaced : List.of("%20true", "true%20", "%09off")) {
        TestResponse r = client.get("/flag?on=" + spaced);
        assertThat(r.status()).as(spaced + ": " + r.text()).isEqualTo(422);
        assertThat(r.json().at("/detail/0/type").asText()).isEqualTo("bool_parsing");
      }
    }
  }

  /** A scalar header sent twice: its first value, as FastAPI (Starlette's Headers.get). */
  @Test
  void aScalarHeaderTakesTheFirstValueAsFastApi() {
    try (TestClient client = start()) {
      TestResponse r = client.send(client.request("/token").header("x-token", "first").header("x-token", "second"));
      assertThat(r.text()).isEqualTo("\"first\"");
    }
  }

  private static JsonNode text(String s) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
  }

  /**
   * A quoted cookie value is unquoted as Starlette's cookie_parser does (Python's http.cookies:
   * {@code \073} is {@code ;}, {@code \"} is {@code "}), and a repeated name keeps its last value.
   */
  @Test
  void cookieValuesAreUnquotedAsStarletteDoes() {
    try (TestClient client = start()) {
      TestResponse quoted = client.send(client.request("/cookie").header("cookie", "session=\"a\\073b\\\"c\"; x=1"));
      assertThat(quoted.text()).as(quoted.text()).isEqualTo("\"a;b\\\"c\"");
      TestResponse spaced = client.send(client.request("/cookie").header("cookie", "session=\"x y\""));
      assertThat(spaced.text()).isEqualTo("\"x y\"");
      TestResponse repeated = client.send(client.request("/cookie").header("cookie", "session=1; session=2"));
      assertThat(repeated.text()).isEqualTo("\"2\"");
      TestResponse lone = client.send(client.request("/cookie").header("cookie", "session=\""));
      assertThat(lone.text()).isEqualTo("\"\\\"\"");
    }
  }

  record Message(String message) {}

  static final class KeyAndDocRoutes {
    @Get("/key")
    String key(ApiKey key) {
      return key.value();
    }

    @ExtraResponse(status = 422, model = Message.class, description = "Custom")
    @Get("/e422")
    int e422(@Query int n) {
      return n;
    }
  }

  private static TestClient keyAndDocClient() {
    TypedApi api = TypedApi.builder().provider(ApiKeyAuth.query("api_key")).controller(new KeyAndDocRoutes()).build();
    return TestClient.start(api.install(App.builder()).build());
  }

  /**
   * {@code ApiKeyAuth.query} takes the last value of a repeated parameter, as FastAPI's APIKeyQuery
   * ({@code request.query_params.get}) and Lanes' own {@code @Query}: {@code ?api_key=a&api_key=b}
   * is "b", and {@code ?api_key=a&api_key=} is 401.
   */
  @Test
  void apiKeyFromTheQueryTakesTheLastValueAsStarlette() {
    try (TestClient client = keyAndDocClient()) {
      assertThat(client.get("/key?api_key=a&api_key=b").text()).isEqualTo("\"b\"");
      assertThat(client.get("/key?api_key=a&api_key=").status()).isEqualTo(401);
    }
  }

  /**
   * A route's own {@code @ExtraResponse(status = 422)} stays in the document; the generated
   * validation error is added only when no 422 is declared (as FastAPI's {@code responses={422: ...}}).
   */
  @Test
  void aDeclared422IsKeptInTheDocument() {
    try (TestClient client = keyAndDocClient()) {
      JsonNode r422 = client.get("/openapi.json").json().at("/paths/~1e422/get/responses/422");
      assertThat(r422.path("description").asText()).as(r422.toString()).isEqualTo("Custom");
      assertThat(r422.at("/content/application~1json/schema/$ref").asText())
          .isEqualTo("#/components/schemas/Message");
    }
  }

  /** A response record with a component the typed layer cannot read (Jackson writes it). */
  record Event(String name, java.time.Instant at) {}

  static final class Events {
    @Get("/events/latest")
    Event latest() {
      return new Event("deploy", java.time.Instant.EPOCH);
    }

    @Get("/events/first")
    Event first() {
      return new Event("boot", java.time.Instant.EPOCH);
    }
  }

  /**
   * Any type Jackson writes may be returned, only readable ones are documented: two routes
   * returning the same record with an unreadable component (Instant) both build and answer, as one
   * does (a record that failed to compile is not left half-built for the next route).
   */
  @Test
  void twoRoutesMayReturnTheSameRecordWithAnUnreadableComponent() {
    TypedApi api = TypedApi.builder().controller(new Events()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.get("/events/latest").status()).isEqualTo(200);
      assertThat(client.get("/events/first").status()).isEqualTo(200);
    }
  }

  record Inner(@jakarta.validation.constraints.Min(1) int n) {}

  record Outer(@jakarta.validation.Valid Inner inner) {}

  static final class Cascades {
    @Post("/outer")
    Outer outer(@Body @jakarta.validation.Valid Outer o) {
      return o;
    }
  }

  /**
   * {@code @Valid}, Jakarta's "check what is inside too", is what the typed layer always does for
   * nested records: written out of habit (as Spring asks for it), it builds and changes nothing.
   */
  @Test
  void validIsAcceptedAndNestedRecordsAreCheckedAnyway() {
    TypedApi api = TypedApi.builder().controller(new Cascades()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.postJson("/outer", "{\"inner\":{\"n\":1}}").status()).isEqualTo(200);
      TestResponse r = client.postJson("/outer", "{\"inner\":{\"n\":0}}");
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      assertThat(r.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"inner\",\"n\"]");
    }
  }
}
