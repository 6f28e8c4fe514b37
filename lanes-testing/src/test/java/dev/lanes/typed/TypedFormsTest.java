package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.forms.FormLimits;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.HttpException;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forms, uploads, OAuth2's password flow, declared extra responses, {@code Optional} results and
 * operation metadata, held against FastAPI: {@code forms-fastapi.json} and
 * {@code forms-openapi-fastapi.json} are what FastAPI 0.142.2 answered and documented for
 * {@code benchmarks/fastapi/forms_app.py} ({@code capture_forms.py}); {@link Forms} is its twin.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedFormsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** FastAPI writes a form field's {@code ge=18} as {@code 18.0} (a query's as {@code 18}); the same number. */
  private static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.isNumber() && b.isNumber()
      ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

  enum Role { user, admin }

  record Message(String detail) {}

  record Pet(long id, String name) {}

  record Login(@Size(min = 3) String username, int age, @Default("[]") List<String> tags, Optional<String> nick) {}

  static final class Forms {
    @Post("/signup")
    Map<String, Object> signup(
        @FormField @Size(min = 3, max = 10) String username,
        @FormField @Min(18) int age,
        @FormField @Default("user") Role role,
        @FormField @Default("false") boolean newsletter,
        @FormField @Default("[]") List<String> tags,
        @FormField @Size(max = 5) Optional<String> nickname) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("username", username);
      out.put("age", age);
      out.put("role", role);
      out.put("newsletter", newsletter);
      out.put("tags", tags);
      out.put("nickname", nickname.orElse(null));
      return out;
    }

    /** Async, as FastAPI's twin: the form is parsed in the files lane, then this runs on the loop. */
    @Post("/upload")
    CompletionStage<Map<String, Object>> upload(UploadFile file, @FormField String note) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("filename", file.filename());
      out.put("content_type", file.contentType());
      out.put("size", bytes(file).length);
      out.put("note", note);
      return CompletableFuture.completedFuture(out);
    }

    @Post("/uploads")
    Map<String, Object> uploads(List<UploadFile> files, @FormField Optional<UploadFile> extra) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("names", files.stream().map(UploadFile::filename).toList());
      out.put("sizes", files.stream().map(f -> bytes(f).length).toList());
      out.put("extra", extra.map(UploadFile::filename).orElse(null));
      return out;
    }

    @Post("/token")
    Map<String, Object> token(OAuth2PasswordForm form) {
      if (!form.password().equals("secret")) {
        throw new HttpException(400, "Incorrect username or password");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("access_token", form.username());
      out.put("token_type", "bearer");
      out.put("scopes", form.scopes());
      out.put("grant_type", form.grantType().orElse(null));
      return out;
    }

    @Post("/login")
    Map<String, Object> login(@FormField Login data) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("username", data.username());
      out.put("age", data.age());
      out.put("tags", data.tags());
      out.put("nick", data.nick().orElse(null));
      return out;
    }

    @Get("/me")
    Map<String, Object> me(BearerToken token) { // dict[str, Any], as the twin declares
      return Map.of("token", token.value());
    }

    @ExtraResponse(status = 404, model = Message.class, description = "The pet was not found")
    @Get("/pets/{pet_id}")
    Pet readPet(@Path long petId) {
      return pet(petId).orElseThrow(() -> new HttpException(404, "Pet not found"));
    }

    @NullWhenEmpty
    @Get("/maybe/{pet_id}")
    Optional<Pet> maybePet(@Path long petId) {
      return pet(petId);
    }

    @Operation(summary = "An old route", description = "Use /pets instead.", deprecated = true)
    @Get("/old")
    Message old() {
      return new Message("old");
    }

    private static Optional<Pet> pet(long id) {
      return id == 1 ? Optional.of(new Pet(1, "rex")) : Optional.empty();
    }

    private static byte[] bytes(UploadFile f) {
      try {
        return f.bytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static TypedApi api(FormLimits limits) {
    return TypedApi.builder().title("Forms").formLimits(limits)
        .provider(OAuth2PasswordBearer.tokenUrl("token"))
        .controller(new Forms())
        .build();
  }

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = TypedFormsTest.class.getResourceAsStream("/typed/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void answersEveryRequestAsFastApiDoes() throws IOException {
    JsonNode steps = fixture("forms-fastapi.json");
    assertThat(steps.size()).isEqualTo(32);
    try (TestClient client = TestClient.start(api(FormLimits.defaults()).install(App.builder()).build())) {
      for (JsonNode step : steps) {
        String name = step.get("name").asText();
        HttpRequest.Builder req = client.request(step.get("path").asText()).method(step.get("method").asText(),
            step.get("body").isNull() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(step.get("body").asText()));
        for (Map.Entry<String, JsonNode> e : step.get("headers").properties()) {
          req.header(e.getKey(), e.getValue().asText());
        }
        TestResponse r = client.send(req);
        assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(step.get("status").asInt());
        assertThat(JSON.readTree(r.body())).as(name).isEqualTo(step.get("response"));
        if (r.status() == 401) {
          assertThat(r.header("www-authenticate")).as(name).contains("Bearer");
        }
      }
    }
  }

  @Test
  void documentsAsFastApiDoes() throws IOException {
    JsonNode expected = fixture("forms-openapi-fastapi.json");
    JsonNode actual = api(FormLimits.defaults()).openApi();
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/forms-openapi-lanes.json"), actual.toPrettyString());
    List<String> differ = new ArrayList<>();
    for (String part : List.of("/paths", "/components/schemas", "/components/securitySchemes")) {
      expected.at(part).properties().forEach(e -> {
        JsonNode mine = actual.at(part).get(e.getKey());
        if (mine == null || !e.getValue().equals(SAME_NUMBER, mine)) {
          differ.add(e.getKey() + ": " + mine);
        }
      });
    }
    assertThat(differ).isEmpty();
    assertThat(actual.equals(SAME_NUMBER, expected)).as(actual.toString()).isTrue();
  }

  @Test
  void aFormOverItsLimitsIs413OnBlockingAndAsyncRoutes() {
    String big = "x".repeat(200);
    String boundary = "b0und";
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n" + big + "\r\n--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"note\"\r\n\r\nn\r\n--" + boundary + "--\r\n";
    try (TestClient client = TestClient.start(api(new FormLimits(10, 100, 50)).install(App.builder()).build())) {
      TestResponse async = client.post("/upload", multipart, "multipart/form-data; boundary=" + boundary);
      assertThat(async.status()).as(async.text()).isEqualTo(413);
      assertThat(async.json().get("detail").asText()).contains("larger than 100 bytes");
      TestResponse blocking = client.post("/signup", "username=" + big + "&age=20", "application/x-www-form-urlencoded");
      assertThat(blocking.status()).as(blocking.text()).isEqualTo(413);
      StringBuilder many = new StringBuilder("age=20");
      for (int i = 0; i < 20; i++) {
        many.append("&tags=t").append(i);
      }
      TestResponse parts = client.post("/signup", many.toString(), "application/x-www-form-urlencoded");
      assertThat(parts.status()).as(parts.text()).isEqualTo(413);
      assertThat(parts.json().get("detail").asText()).contains("too many form parts");
      TestResponse fits = client.post("/upload", multipart.replace(big, "small"),
          "multipart/form-data; boundary=" + boundary);
      assertThat(fits.status()).as(fits.text()).isEqualTo(200);
      assertThat(fits.json().get("size").asInt()).isEqualTo(5);
    }
  }

  @Test
  void scopesOfThePasswordFlowAreDocumented() {
    JsonNode doc = TypedApi.builder()
        .provider(OAuth2PasswordBearer.tokenUrl("/auth/token").scope("items:read", "Read items"))
        .controller(new Forms()).build().openApi();
    assertThat(doc.at("/components/securitySchemes/OAuth2PasswordBearer/flows/password/scopes/items:read").asText())
        .isEqualTo("Read items");
    assertThat(doc.at("/components/securitySchemes/OAuth2PasswordBearer/flows/password/tokenUrl").asText())
        .isEqualTo("/auth/token");
    assertThat(doc.at("/paths/~1me/get/security/0/OAuth2PasswordBearer").isArray()).isTrue();
  }

  static final class OptionalOnly {
    @Post("/f")
    String f(@FormField Optional<String> x, Optional<UploadFile> file) {
      return x.orElse("none") + " " + file.map(UploadFile::filename).orElse("none");
    }
  }

  @Test
  void aFormOfOptionalFieldsIsAnOptionalBody() {
    TypedApi api = TypedApi.builder().controller(new OptionalOnly()).build();
    JsonNode body = api.openApi().at("/paths/~1f/post/requestBody");
    assertThat(body.has("required")).as(body.toString()).isFalse(); // as FastAPI writes it
    assertThat(body.at("/content/multipart~1form-data/schema/$ref").asText()).isEqualTo("#/components/schemas/Body_f_f_post");
    assertThat(api.openApi().at("/components/schemas/Body_f_f_post").has("required")).isFalse();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.post("/f", new byte[0], "application/x-www-form-urlencoded").text()).isEqualTo("\"none none\"");
      assertThat(client.post("/f", "x=1", "application/x-www-form-urlencoded").text()).isEqualTo("\"1 none\"");
    }
  }

  static final class EmptyIsNotFound {
    @Get("/pets/{pet_id}")
    Optional<Pet> read(@Path long petId) {
      return Forms.pet(petId);
    }
  }

  @Test
  void anEmptyOptionalIs404UnlessDeclaredNull() throws IOException {
    TypedApi api = TypedApi.builder().controller(new EmptyIsNotFound()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse missing = client.get("/pets/2");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("detail").asText()).isEqualTo("Not Found");
      assertThat(client.get("/pets/1").json().get("name").asText()).isEqualTo("rex");
    }
    JsonNode responses = api.openApi().at("/paths/~1pets~1{pet_id}/get/responses");
    assertThat(responses.get("404").get("description").asText()).isEqualTo("Not Found");
    assertThat(responses.at("/200/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/Pet");
  }

  static final class BodyAndForm {
    @Post("/t")
    String t(@Body Pet pet, @FormField String name) {
      return name;
    }
  }

  static final class NullWithoutOptional {
    @NullWhenEmpty
    @Get("/t")
    Pet t() {
      return null;
    }
  }

  static final class DeclaredTwice {
    @ExtraResponse(status = 404)
    @ExtraResponse(status = 404, model = Message.class)
    @Get("/t")
    String t() {
      return "x";
    }
  }

  static final class UndocumentableModel {
    @ExtraResponse(status = 409, model = Object.class)
    @Get("/t")
    String t() {
      return "x";
    }
  }

  static final class UploadInQuery {
    @Post("/t")
    String t(@Query UploadFile file) {
      return "x";
    }
  }

  static final class RecordAndField {
    @Post("/t")
    String t(@FormField Login login, @FormField String other) {
      return other;
    }
  }

  static final class OptionalRecordField {
    @Post("/t")
    String t(@FormField Optional<Login> login) {
      return "x";
    }
  }

  static final class RecordListField {
    @Post("/t")
    String t(@FormField @Default("[]") List<Login> logins) {
      return "x";
    }
  }

  @Test
  void mistakesFailAtBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new RecordAndField()).build())
        .hasMessageContaining("a record read from a form is the whole form");
    // only a bare record is the whole form; one form field's text holds none (FastAPI reads
    // Optional[Login] from the field "login" and answers any value sent there 422)
    assertThatThrownBy(() -> TypedApi.builder().controller(new OptionalRecordField()).build())
        .hasMessage("POST /t (OptionalRecordField.t) parameter 0 (Optional) 'login': a record comes from the body"
            + " (@Body) or, declared bare (@FormField Login), is the whole form; one form field is text"
            + " (Optional<Login> holds record Login)");
    assertThatThrownBy(() -> TypedApi.builder().controller(new RecordListField()).build())
        .hasMessageContaining("RecordListField.t").hasMessageContaining("(List<Login> holds record Login)");
    assertThatThrownBy(() -> TypedApi.builder().controller(new BodyAndForm()).build())
        .hasMessageContaining("POST /t (BodyAndForm.t)").hasMessageContaining("not both");
    assertThatThrownBy(() -> TypedApi.builder().controller(new NullWithoutOptional()).build())
        .hasMessageContaining("@NullWhenEmpty needs an Optional return type");
    assertThatThrownBy(() -> TypedApi.builder().controller(new DeclaredTwice()).build())
        .hasMessageContaining("response 404 is declared twice");
    assertThatThrownBy(() -> TypedApi.builder().controller(new UndocumentableModel()).build())
        .hasMessageContaining("model Object has no schema");
    assertThatThrownBy(() -> TypedApi.builder().controller(new UploadInQuery()).build())
        .hasMessageContaining("an UploadFile comes from a multipart form");
  }

  /** An app's own 422 body. */
  record Invalid(String message, List<String> fields) {}

  @Test
  void oneOverrideReplacesTheErrorBodyAndItsSchema() {
    TypedApi api = TypedApi.builder().provider(BearerAuth.create()).controller(new Forms())
        .validationError(Invalid.class, e -> new Invalid(e.errors().size() + " invalid",
            e.errors().stream().map(err -> String.valueOf(err.loc().get(err.loc().size() - 1))).toList()))
        .build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse r = client.post("/signup", "username=b", "application/x-www-form-urlencoded");
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("message").asText()).isEqualTo("2 invalid");
      assertThat(r.json().get("fields").toString()).isEqualTo("[\"username\",\"age\"]");
    }
    JsonNode doc = api.openApi();
    assertThat(doc.at("/paths/~1signup/post/responses/422/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Invalid");
    assertThat(doc.at("/components/schemas/Invalid/required").toString()).isEqualTo("[\"message\",\"fields\"]");
    assertThat(doc.at("/components/schemas").has("HTTPValidationError")).isFalse();
    assertThat(doc.at("/components/schemas").has("ValidationError")).isFalse();
  }

  @Test
  void problemDetailsAreDocumentedAsTheyAreAnswered() {
    TypedApi api = TypedApi.builder().provider(BearerAuth.create()).controller(new Forms()).problemDetails(true).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse r = client.post("/signup", "", "application/x-www-form-urlencoded");
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.header("content-type")).contains("application/problem+json");
      assertThat(r.json().at("/errors/0/loc").toString()).isEqualTo("[\"body\",\"username\"]");
    }
    JsonNode doc = api.openApi();
    assertThat(doc.at("/paths/~1signup/post/responses/422/content/application~1problem+json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/ValidationProblem");
    assertThat(doc.at("/components/schemas/ValidationProblem/properties/errors/items/$ref").asText())
        .isEqualTo("#/components/schemas/ValidationError");
    assertThat(doc.at("/components/schemas").has("HTTPValidationError")).isFalse();
  }

  static final class WhereForms {
    /** The name, the thread and how many parses the files lane has finished (counted before the result is seen). */
    @Post("/async")
    CompletionStage<String> async(@FormField String name, dev.lanes.http.Request req) {
      return CompletableFuture.completedFuture(name + " " + Thread.currentThread().getName() + " "
          + req.lanes().get("files").statistics().completed());
    }

    @Post("/blocking")
    String blocking(@FormField String name, dev.lanes.http.Request req) {
      return name + " " + Thread.currentThread().getName() + " " + req.lanes().get("files").statistics().completed();
    }
  }

  @Test
  void formsAreParsedInTheFilesLaneAndAsyncRoutesThenRunOnTheLoop() {
    TypedApi api = TypedApi.builder().controller(new WhereForms()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      String form = "application/x-www-form-urlencoded";
      String[] first = client.post("/async", "name=a", form).json().asText().split(" ");
      assertThat(first[0]).isEqualTo("a");
      assertThat(first[1]).startsWith("lanes-loop-");
      String[] second = client.post("/blocking", "name=b", form).json().asText().split(" ");
      assertThat(second[1]).startsWith("lane-endpoints");
      assertThat(Long.parseLong(second[2])).isEqualTo(Long.parseLong(first[2]) + 1);
      // no form to parse: the fields are missing
      TestResponse none = client.post("/async", "{}", "application/json");
      assertThat(none.status()).isEqualTo(422);
      assertThat(none.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"name\"]");
    }
  }

  static final class Spooled {
    final java.util.concurrent.atomic.AtomicReference<java.nio.file.Path> spooledTo = new java.util.concurrent.atomic.AtomicReference<>();

    @Post("/spool")
    long spool(UploadFile file) {
      spooledTo.set(file.path().orElseThrow());
      return file.size();
    }
  }

  @Test
  void aSpooledUploadIsDeletedAfterTheResponseAndAMalformedFormIs400() {
    Spooled spooled = new Spooled();
    TypedApi api = TypedApi.builder().controller(spooled).formLimits(new FormLimits(10, 10_000, 100)).build();
    String boundary = "b0und";
    String content = "y".repeat(1000); // past the spool threshold of 100 bytes
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse r = client.post("/spool", multipart, "multipart/form-data; boundary=" + boundary);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("1000");
      java.nio.file.Path file = spooledTo(spooled);
      dev.lanes.testing.Await.until(() -> !java.nio.file.Files.exists(file), "the spooled upload is deleted");
      TestResponse noBoundary = client.post("/spool", multipart, "multipart/form-data");
      assertThat(noBoundary.status()).as(noBoundary.text()).isEqualTo(400);
      assertThat(noBoundary.json().get("detail").asText()).startsWith("malformed form");
    }
  }

  private static java.nio.file.Path spooledTo(Spooled s) {
    assertThat(s.spooledTo.get()).as("the upload was spooled to a file").isNotNull();
    return s.spooledTo.get();
  }

  @Test
  void aClientLeavingWhileItsFormWaitsForTheFilesLaneStopsTheParse() throws InterruptedException {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    TypedApi api = TypedApi.builder().controller(new WhereForms()).build();
    App app = api.install(App.builder())
        .lane(dev.lanes.concurrency.Lane.builder(dev.lanes.concurrency.Lanes.FILES).capacity(1))
        .route("GET", "/hold", (dev.lanes.routing.AsyncHandler) req -> req.lanes().get("files").run(() -> {
          release.await();
          return dev.lanes.http.Response.text("released");
        }))
        .build();
    try (TestClient client = TestClient.start(app)) {
      CompletableFuture<TestResponse> hold = client.sendAsync(client.request("/hold"));
      dev.lanes.testing.Await.until(() -> app.lanes().get("files").statistics().borrowed() == 1, "the holder runs");
      try (dev.lanes.testing.RawClient raw = dev.lanes.testing.RawClient.connect(client.port())) {
        raw.send("POST /async HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: 6\r\n\r\nname=a");
        client.awaitWaiting("files", 1);
      } // the client leaves while its parse waits
      dev.lanes.testing.Await.until(() -> app.lanes().get("files").statistics().waiting() == 0,
          "the waiting parse leaves the queue");
      assertThat(app.lanes().get("files").statistics().borrowed()).isEqualTo(1); // still the holder's token
      release.countDown();
      assertThat(hold.join().text()).isEqualTo("released");
      assertThat(app.lanes().get("files").statistics().completed()).isEqualTo(1); // the holder's only
    }
  }
}
