package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What is decided when the API is built: mistakes fail there, naming the method; where handlers run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedBuildTest {
  static final class UnknownPathParam {
    @Get("/items/{item_id}")
    String item(@Path long id) {
      return "x";
    }
  }

  static final class UnboundPathParam {
    @Get("/items/{item_id}")
    String item() {
      return "x";
    }
  }

  static final class Unreadable {
    @Get("/t")
    String t(@Query Set<String> all) {
      return "x";
    }
  }

  record Missing(int v) {}

  static final class NoProvider {
    @Get("/t")
    String t(Missing m) {
      return "x";
    }
  }

  record A(int v) {}

  record B(int v) {}

  static final class Cycle {
    @Provides
    A a(B b) {
      return new A(1);
    }

    @Provides
    B b(A a) {
      return new B(1);
    }
  }

  static final class UsesA {
    @Get("/t")
    String t(A a) {
      return "x";
    }
  }

  record In(String s) {}

  static final class BadDefault {
    @Get("/t")
    String t(@Query @Default("ten") int n) {
      return "x";
    }
  }

  static final class BadOptionalDefault {
    @Get("/t")
    String t(@Query @Default("abcd") Optional<@Size(max = 3) String> s) {
      return "x";
    }
  }

  static final class Unsupported {
    @Get("/t")
    String t(@Query @Email String mail) {
      return "x";
    }
  }

  static final class WrongType {
    @Get("/t")
    String t(@Query @Size(max = 3) int n) {
      return "x";
    }
  }

  static final class RecordInQuery {
    @Get("/t")
    String t(@Query In in) {
      return "x";
    }
  }

  static final class OptionalRecordInQuery {
    @Get("/t")
    String t(@Query Optional<In> in) {
      return "x";
    }
  }

  static final class RecordListInQuery {
    @Get("/t")
    String t(@Query @Default("[]") List<In> in) {
      return "x";
    }
  }

  static final class RecordListInPath {
    @Get("/t/{in}")
    String t(@Path List<In> in) {
      return "x";
    }
  }

  static final class RecordsInHeader {
    @Get("/t")
    String t(@Header Optional<List<In>> in) {
      return "x";
    }
  }

  static final class OptionalRecordInCookie {
    @Get("/t")
    String t(@Cookie Optional<In> in) {
      return "x";
    }
  }

  static final class MapsInQuery {
    @Get("/t")
    String t(@Query List<Map<String, Integer>> m) {
      return "x";
    }
  }

  record Found(String s) {}

  static final class RecordInADependencysQuery {
    @Provides
    Found found(@Query Optional<In> in) {
      return new Found("");
    }
  }

  static final class UsesFound {
    @Get("/t")
    String t(Found f) {
      return f.s();
    }
  }

  /**
   * Text holds no record or map, bare or inside an Optional or a List: each would answer every
   * request 422 (FastAPI 0.142 refuses Optional[Model] and list[Model] in a path or query too).
   */
  @Test
  void aRecordOrMapHeldByAnOptionalOrListOutsideTheBodyFailsTheBuild() {
    assertThatThrownBy(() -> build(new OptionalRecordInQuery())).hasMessage("GET /t (OptionalRecordInQuery.t)"
        + " parameter 0 (Optional) 'in': a record comes from the body (@Body) or a form (@FormField), not from the"
        + " query (Optional<In> holds record In)");
    assertThatThrownBy(() -> build(new RecordListInQuery())).hasMessageContaining("RecordListInQuery.t")
        .hasMessageContaining("'in': a record comes from the body (@Body) or a form (@FormField), not from the query"
            + " (List<In> holds record In)");
    assertThatThrownBy(() -> build(new RecordListInPath())).hasMessageContaining("RecordListInPath.t")
        .hasMessageContaining("not from the path (List<In> holds record In)");
    assertThatThrownBy(() -> build(new RecordsInHeader())).hasMessageContaining("RecordsInHeader.t")
        .hasMessageContaining("not from a header (Optional<List<In>> holds record In)");
    assertThatThrownBy(() -> build(new OptionalRecordInCookie())).hasMessageContaining("OptionalRecordInCookie.t")
        .hasMessageContaining("not from a cookie (Optional<In> holds record In)");
    assertThatThrownBy(() -> build(new MapsInQuery())).hasMessageContaining("MapsInQuery.t")
        .hasMessageContaining("'m': a Map comes from the JSON body (@Body) (List<Map<String, Integer>> holds a Map)");
    assertThatThrownBy(() -> TypedApi.builder().provider(new RecordInADependencysQuery()).controller(new UsesFound())
        .build()).hasMessageContaining("@Provides RecordInADependencysQuery.found parameter 0 (Optional) 'in'")
        .hasMessageContaining("not from the query (Optional<In> holds record In)");
  }

  @Test
  void mistakesFailAtBuildNamingTheMethod() {
    assertThatThrownBy(() -> build(new UnknownPathParam())).hasMessageContaining("GET /items/{item_id} (UnknownPathParam.item)")
        .hasMessageContaining("@Path 'id' is not in the path template");
    assertThatThrownBy(() -> build(new UnboundPathParam())).hasMessageContaining("[item_id] are not bound to any parameter of the method or its dependencies");
    assertThatThrownBy(() -> build(new Unreadable())).hasMessageContaining("Unreadable.t")
        .hasMessageContaining("java.util.Set<java.lang.String> cannot be read");
    assertThatThrownBy(() -> build(new NoProvider())).hasMessageContaining("no @Provides method provides")
        .hasMessageContaining("Missing");
    assertThatThrownBy(() -> TypedApi.builder().provider(new Cycle()).controller(new UsesA()).build())
        .hasMessageContaining("dependency cycle through Cycle.a");
    assertThatThrownBy(() -> build(new BadDefault())).hasMessageContaining("@Default(\"ten\") does not fit")
        .hasMessageContaining("valid integer");
    // an Optional's default is read as its content's text, and checked against the content's constraints
    assertThatThrownBy(() -> build(new BadOptionalDefault())).hasMessageContaining("@Default(\"abcd\") does not fit")
        .hasMessageContaining("at most 3 characters");
    assertThatThrownBy(() -> build(new Unsupported())).hasMessageContaining("@Email is not supported");
    assertThatThrownBy(() -> build(new WrongType())).hasMessageContaining("@Size does not apply to int");
    assertThatThrownBy(() -> build(new RecordInQuery())).hasMessageContaining("a record comes from the body (@Body)");
    assertThatThrownBy(() -> build(new Object())).hasMessageContaining("has no @Get");
  }

  static final class Where {
    @Get("/blocking")
    String blocking() {
      return Thread.currentThread().getName();
    }

    @Get("/async")
    CompletionStage<String> async() {
      return CompletableFuture.completedFuture(Thread.currentThread().getName());
    }

    @Post(value = "/created", status = 201)
    List<Integer> created(@Body List<Integer> numbers) {
      return numbers;
    }

    final java.util.concurrent.CountDownLatch ranInBackground = new java.util.concurrent.CountDownLatch(1);

    @Operation(summary = "Log later", tags = "ops", operationId = "log_later", deprecated = true)
    @Post("/later")
    String later(dev.lanes.background.BackgroundTasks tasks) {
      tasks.add("count down", ranInBackground::countDown);
      return "queued";
    }

    @Operation(hidden = true)
    @Get("/hidden")
    String hidden() {
      return "here";
    }

    @Get("/maybe/soon")
    String zzSoon() { // by name after maybe(), whose /maybe/{id} would shadow it if it were registered first
      return "soon";
    }

    @Get("/maybe/{id}")
    java.util.Optional<String> maybe(@Path int id) {
      return id == 1 ? java.util.Optional.of("one") : java.util.Optional.empty();
    }
  }

  @Test
  void backgroundTasksRunAfterTheResponseAndOperationShapesTheDocument() throws InterruptedException {
    Where where = new Where();
    TypedApi api = TypedApi.builder().controller(where).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.post("/later", "", "text/plain").text()).isEqualTo("\"queued\"");
      assertThat(where.ranInBackground.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(client.get("/hidden").text()).isEqualTo("\"here\"");
    }
    var op = api.openApi().at("/paths/~1later/post");
    assertThat(op.get("summary").asText()).isEqualTo("Log later");
    assertThat(op.get("operationId").asText()).isEqualTo("log_later");
    assertThat(op.get("deprecated").asBoolean()).isTrue();
    assertThat(op.at("/tags/0").asText()).isEqualTo("ops");
    assertThat(api.openApi().at("/paths").has("/hidden")).isFalse();
    assertThat(api.openApi().at("/paths/~1blocking/get/operationId").asText()).isEqualTo("blocking_blocking_get");
  }

  @Test
  void theReturnTypeDecidesWhereTheHandlerRuns() {
    try (TestClient client = TestClient.start(TypedApi.builder().controller(new Where()).build()
        .install(App.builder()).build())) {
      assertThat(client.get("/blocking").text()).startsWith("\"lane-endpoints");
      assertThat(client.get("/async").text()).startsWith("\"lanes-loop-");
      var created = client.post("/created", "[1,\"2\"]", "application/json");
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.text()).isEqualTo("[1,2]");
      assertThat(client.get("/maybe/1").text()).isEqualTo("\"one\"");
      assertThat(client.get("/maybe/soon").text()).isEqualTo("\"soon\"");
      var none = client.get("/maybe/2");
      assertThat(none.status()).isEqualTo(404);
      assertThat(none.text()).isEqualTo("{\"detail\":\"Not Found\"}");
    }
  }

  private static TypedApi build(Object controller) {
    return TypedApi.builder().controller(controller).build();
  }
}
