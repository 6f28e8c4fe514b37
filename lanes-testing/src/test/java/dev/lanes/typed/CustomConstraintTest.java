package dev.lanes.typed;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An app's own Jakarta constraints ({@code @Constraint(validatedBy = ...)}) on parameters, record
 * components, list elements and record classes run their validators, reporting pydantic's
 * {@code value_error} as FastAPI does for a validator raising {@code ValueError}. Expected bodies
 * and schemas are FastAPI 0.142's (pydantic 2.13) for the twin in
 * {@code benchmarks/fastapi/custom_constraints_probe.py}; its output is quoted at each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CustomConstraintTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Target({FIELD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {EvenInt.class, EvenLong.class})
  @interface Even {
    String message() default "must be even";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class EvenInt implements ConstraintValidator<Even, Integer> {
    @Override
    public boolean isValid(Integer n, ConstraintValidatorContext context) {
      return n % 2 == 0; // never given null: an absent Optional is not checked
    }
  }

  static final class EvenLong implements ConstraintValidator<Even, Long> {
    @Override
    public boolean isValid(Long n, ConstraintValidatorContext context) {
      return n % 2 == 0;
    }
  }

  /** Composed: two built-ins, then a validator of its own (pydantic's Field(...) plus an AfterValidator). */
  @Size(min = 3)
  @Pattern(regexp = "^[a-z]+$")
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = NotAdmin.class)
  @interface Username {
    String message() default "is reserved";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class NotAdmin implements ConstraintValidator<Username, String> {
    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      return !s.equals("admin");
    }
  }

  /** Composed only: no validator of its own. */
  @Size(max = 4)
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {})
  @interface ShortCode {
    String message() default "unused";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** On a record class: pydantic's model validator. */
  @Target({TYPE, FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {OrderedPeriod.class, OrderedDocPeriod.class})
  @interface Ordered {
    String message() default "end must be after start";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class OrderedPeriod implements ConstraintValidator<Ordered, Period> {
    @Override
    public boolean isValid(Period p, ConstraintValidatorContext context) {
      return p.end().isAfter(p.start());
    }
  }

  /** Interpolated from its attributes; a validator that reports messages of its own. */
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = CodeCheck.class)
  @interface Code {
    String prefix();

    int max() default 6;

    String message() default "must start with {prefix}, at most {max} long, \\{max} {unknown}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final ConcurrentLinkedQueue<String> contextRefusals = new ConcurrentLinkedQueue<>();

  static final class CodeCheck implements ConstraintValidator<Code, String> {
    private String prefix;

    @Override
    public void initialize(Code code) {
      prefix = code.prefix();
    }

    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      if (s.equals("probe")) { // what the context refuses, as the spec says it must
        try {
          context.unwrap(String.class);
        } catch (jakarta.validation.ValidationException e) {
          contextRefusals.add("unwrap: " + e.getClass().getSimpleName());
        }
        try {
          context.buildConstraintViolationWithTemplate("x").addPropertyNode("p");
        } catch (UnsupportedOperationException e) {
          contextRefusals.add("addPropertyNode: " + e.getMessage());
        }
        return false;
      }
      if (s.startsWith(prefix) && s.endsWith("!")) {
        return true;
      }
      context.disableDefaultConstraintViolation();
      if (!s.startsWith(prefix)) {
        context.buildConstraintViolationWithTemplate("does not start with {prefix}").addConstraintViolation();
      }
      if (!s.endsWith("!")) {
        context.buildConstraintViolationWithTemplate("does not end with '!'").addConstraintViolation();
      }
      return false;
    }
  }

  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = Throwing.class)
  @interface Boom {
    String message() default "boom";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class Throwing implements ConstraintValidator<Boom, Integer> {
    @Override
    public boolean isValid(Integer n, ConstraintValidatorContext context) {
      return 1 / (n - n) == 0; // a bug in the validator, not the client's input
    }
  }

  @Ordered
  record Period(LocalDate start, LocalDate end) {}

  record Booking(@Username String who, @Even int n, @Default("[]") List<@Even Integer> nums, Period period) {}

  enum Color { RED }

  /** Validators that take anything: on a record or an enum component, the schema stays a bare $ref. */
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = Anything.class)
  @interface Checked {
    String message() default "checked";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class Anything implements ConstraintValidator<Checked, Object> {
    @Override
    public boolean isValid(Object value, ConstraintValidatorContext context) {
      return true;
    }
  }

  record Refs(@Checked Period period, @Checked Color color) {}

  record Boxed(@Boom int n) {}

  @Doc(description = "A span of days.", title = "Span")
  @Ordered
  record DocPeriod(LocalDate start, LocalDate end) {}

  static final class DocPeriodApi {
    @Post("/doc-period")
    String docPeriod(@Body DocPeriod p) {
      return p.start() + ".." + p.end();
    }
  }

  static final class OrderedDocPeriod implements ConstraintValidator<Ordered, DocPeriod> {
    @Override
    public boolean isValid(DocPeriod p, ConstraintValidatorContext context) {
      return p.end().isAfter(p.start());
    }
  }

  record DocRefs(@Checked @Doc(description = "When", title = "Span") Period period,
                 @Checked @Doc(description = "Which", deprecated = true) Color color) {}

  static final class Api {
    @Get("/even")
    int even(@Query @Even int n) {
      return n;
    }

    @Get("/even-long")
    long evenLong(@Query @Even long n, @Query Optional<@Even Integer> m) {
      return n;
    }

    @Post("/period")
    String period(@Body Period p) {
      return p.start() + ".." + p.end();
    }

    @Post("/checked-period")
    String checkedPeriod(@Body @Ordered Period p) {
      return p.start() + ".." + p.end();
    }

    @Post("/form-period")
    String formPeriod(@FormField Period p) {
      return p.start() + ".." + p.end();
    }

    @Post("/booking")
    String booking(@Body Booking b) {
      return b.who();
    }

    @Get("/code")
    String code(@Query @Code(prefix = "ab") String c) {
      return c;
    }

    @Post("/refs")
    String refs(@Body Refs r) {
      return r.color().name();
    }

    @Post("/doc-refs")
    String docRefs(@Body DocRefs r) {
      return r.color().name();
    }

    @Post("/doc-checked-period")
    String docCheckedPeriod(@Body @Ordered @Doc(description = "The period") Period p) {
      return p.start() + ".." + p.end();
    }

    @Get("/short")
    String shortCode(@Query @ShortCode String c) {
      return c;
    }

    @Get("/boom")
    int boom(@Query @Boom int n) {
      return n;
    }

    @Post("/boom")
    int boomBody(@Body Boxed b) {
      return b.n();
    }
  }

  private static TestClient client;

  @BeforeAll
  static void start() {
    client = TypedClients.of(new Api());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static JsonNode detail(TestResponse r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    return r.json();
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  /**
   * FastAPI: {@code GET /even?n=3} ->
   * {@code 422 {"detail":[{"type":"value_error","loc":["query","n"],"msg":"Value error, must be even","input":"3","ctx":{"error":{}}}]}}
   */
  @Test
  void aParametersValidatorRefusesWithPydanticsValueError() throws IOException {
    assertThat(detail(client.get("/even?n=3"))).isEqualTo(json("{\"detail\":[{\"type\":\"value_error\",\"loc\":"
        + "[\"query\",\"n\"],\"msg\":\"Value error, must be even\",\"input\":\"3\",\"ctx\":{\"error\":{}}}]}"));
    TestResponse ok = client.get("/even?n=4");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.text()).isEqualTo("4");
  }

  /** The validator is picked by the value's type (EvenLong for a long); an absent Optional is not checked. */
  @Test
  void theValidatorIsPickedByTheValuesTypeAndAbsentValuesAreNotChecked() {
    TestResponse ok = client.get("/even-long?n=4");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    TestResponse odd = client.get("/even-long?n=5&m=7");
    assertThat(odd.status()).as(odd.text()).isEqualTo(422);
    assertThat(odd.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"n\"]");
    assertThat(odd.json().at("/detail/1/loc").toString()).isEqualTo("[\"query\",\"m\"]");
  }

  /**
   * FastAPI: {@code POST /period {"start": "2026-01-02", "end": "2026-01-01"}} ->
   * {@code 422 {"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, end must be after start","input":{"start":"2026-01-02","end":"2026-01-01"},"ctx":{"error":{}}}]}}.
   * The body fits its record, so it is streamed: the class's check must refuse it there too.
   */
  @Test
  void aRecordClassConstraintChecksTheBuiltRecordAtItsLoc() throws IOException {
    String body = "{\"start\":\"2026-01-02\",\"end\":\"2026-01-01\"}";
    assertThat(detail(client.postJson("/period", body))).isEqualTo(json("{\"detail\":[{\"type\":\"value_error\","
        + "\"loc\":[\"body\"],\"msg\":\"Value error, end must be after start\",\"input\":" + body
        + ",\"ctx\":{\"error\":{}}}]}"));
    TestResponse ok = client.postJson("/period", "{\"start\":\"2026-01-01\",\"end\":\"2026-01-02\"}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    // written on the parameter instead (here as well as on the class): checked once more, at the body
    JsonNode twice = detail(client.postJson("/checked-period", body));
    assertThat(twice.at("/detail/0/loc").toString()).isEqualTo("[\"body\"]");
    // a form's record too, at the body
    JsonNode form = detail(client.post("/form-period", "start=2026-01-02&end=2026-01-01",
        "application/x-www-form-urlencoded"));
    // FastAPI (Annotated[Period, Form()]): the same error, its input the form's fields as an object
    assertThat(form).isEqualTo(json("{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\"],\"msg\":"
        + "\"Value error, end must be after start\",\"input\":" + body + ",\"ctx\":{\"error\":{}}}]}"));
  }

  /**
   * FastAPI: {@code POST /booking {"who": "ab", "n": 3, "nums": [2, 5], "period": {"start": "2026-01-02", "end": "2026-01-01"}}} ->
   * {@code 422 {"detail":[{"type":"string_too_short","loc":["body","who"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}},{"type":"value_error","loc":["body","n"],"msg":"Value error, must be even","input":3,"ctx":{"error":{}}},{"type":"value_error","loc":["body","nums",1],"msg":"Value error, must be even","input":5,"ctx":{"error":{}}},{"type":"value_error","loc":["body","period"],"msg":"Value error, end must be after start","input":{"start":"2026-01-02","end":"2026-01-01"},"ctx":{"error":{}}}]}}
   */
  @Test
  void componentsElementsNestedRecordsAndComposedConstraintsReportAsFastApi() throws IOException {
    assertThat(detail(client.postJson("/booking", "{\"who\":\"ab\",\"n\":3,\"nums\":[2,5],"
        + "\"period\":{\"start\":\"2026-01-02\",\"end\":\"2026-01-01\"}}"))).isEqualTo(json("{\"detail\":["
        + "{\"type\":\"string_too_short\",\"loc\":[\"body\",\"who\"],\"msg\":\"String should have at least 3 characters\",\"input\":\"ab\",\"ctx\":{\"min_length\":3}},"
        + "{\"type\":\"value_error\",\"loc\":[\"body\",\"n\"],\"msg\":\"Value error, must be even\",\"input\":3,\"ctx\":{\"error\":{}}},"
        + "{\"type\":\"value_error\",\"loc\":[\"body\",\"nums\",1],\"msg\":\"Value error, must be even\",\"input\":5,\"ctx\":{\"error\":{}}},"
        + "{\"type\":\"value_error\",\"loc\":[\"body\",\"period\"],\"msg\":\"Value error, end must be after start\",\"input\":{\"start\":\"2026-01-02\",\"end\":\"2026-01-01\"},\"ctx\":{\"error\":{}}}]}"));
  }

  /**
   * FastAPI: {@code {"who": "admin", ...}} ->
   * {@code [{"type":"value_error","loc":["body","who"],"msg":"Value error, is reserved","input":"admin","ctx":{"error":{}}}]};
   * {@code {"who": "Bob", ...}} ->
   * {@code [{"type":"string_pattern_mismatch","loc":["body","who"],"msg":"String should match pattern '^[a-z]+$'","input":"Bob","ctx":{"pattern":"^[a-z]+$"}}]}.
   * Each body fits but for one check, so the streamed read refuses it and the tree reports it.
   */
  @Test
  void aComposedConstraintRunsItsBuiltInsThenItsValidator() throws IOException {
    String period = ",\"n\":2,\"period\":{\"start\":\"2026-01-01\",\"end\":\"2026-01-02\"}}";
    assertThat(detail(client.postJson("/booking", "{\"who\":\"admin\"" + period))).isEqualTo(json("{\"detail\":["
        + "{\"type\":\"value_error\",\"loc\":[\"body\",\"who\"],\"msg\":\"Value error, is reserved\",\"input\":\"admin\",\"ctx\":{\"error\":{}}}]}"));
    assertThat(detail(client.postJson("/booking", "{\"who\":\"Bob\"" + period))).isEqualTo(json("{\"detail\":["
        + "{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"who\"],\"msg\":\"String should match pattern '^[a-z]+$'\",\"input\":\"Bob\",\"ctx\":{\"pattern\":\"^[a-z]+$\"}}]}"));
    TestResponse ok = client.postJson("/booking", "{\"who\":\"bob\",\"nums\":[4]" + period);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    // with no validator of its own, only what it is composed of
    assertThat(detail(client.get("/short?c=abcde")).at("/detail/0/type").asText()).isEqualTo("string_too_long");
    assertThat(client.get("/short?c=abcd").status()).isEqualTo(200);
  }

  @Test
  void theMessageIsInterpolatedFromTheAnnotationsAttributes() {
    contextRefusals.clear();
    JsonNode r = detail(client.get("/code?c=probe"));
    assertThat(r.at("/detail/0/msg").asText())
        .isEqualTo("Value error, must start with ab, at most 6 long, {max} {unknown}");
    assertThat(contextRefusals).containsExactly("unwrap: ValidationException",
        "addPropertyNode: addPropertyNode is not supported by the typed layer: a custom constraint's violation is"
            + " reported at the value it checks (pydantic's loc of a validator)");
  }

  /** A validator's own violations replace the default one, each an error at the value. */
  @Test
  void aValidatorMayReportViolationsOfItsOwn() throws IOException {
    assertThat(detail(client.get("/code?c=xy"))).isEqualTo(json("{\"detail\":["
        + "{\"type\":\"value_error\",\"loc\":[\"query\",\"c\"],\"msg\":\"Value error, does not start with ab\",\"input\":\"xy\",\"ctx\":{\"error\":{}}},"
        + "{\"type\":\"value_error\",\"loc\":[\"query\",\"c\"],\"msg\":\"Value error, does not end with '!'\",\"input\":\"xy\",\"ctx\":{\"error\":{}}}]}"));
    assertThat(client.get("/code?c=abc!").status()).isEqualTo(200);
  }

  /** FastAPI: a validator raising ZeroDivisionError -> {@code 500 Internal Server Error}; read as text or streamed. */
  @Test
  void aValidatorThatThrowsIsAServerError() {
    TestResponse query = client.get("/boom?n=1");
    assertThat(query.status()).as(query.text()).isEqualTo(500);
    TestResponse body = client.postJson("/boom", "{\"n\":1}");
    assertThat(body.status()).as(body.text()).isEqualTo(500);
  }

  /**
   * FastAPI's schema: {@code "who": {"type": "string", "minLength": 3, "pattern": "^[a-z]+$", "title": "Who"},
   * "n": {"type": "integer", "title": "N"}, "nums": {"items": {"type": "integer"}, "type": "array", "title": "Nums", "default": []}};
   * the query {@code n}: {@code {"type": "integer", "title": "N"}}.
   */
  @Test
  void theDocumentShowsComposedBuiltInsAndNothingOfAValidator() throws IOException {
    JsonNode doc = client.get("/openapi.json").json();
    JsonNode booking = doc.at("/components/schemas/Booking/properties");
    assertThat(booking.get("who")).isEqualTo(json("{\"type\":\"string\",\"minLength\":3,\"pattern\":\"^[a-z]+$\",\"title\":\"Who\"}"));
    assertThat(booking.get("n")).isEqualTo(json("{\"type\":\"integer\",\"title\":\"N\"}"));
    assertThat(booking.get("nums")).isEqualTo(json("{\"items\":{\"type\":\"integer\"},\"type\":\"array\",\"title\":\"Nums\",\"default\":[]}"));
    assertThat(doc.at("/paths/~1even/get/parameters/0/schema")).isEqualTo(json("{\"type\":\"integer\",\"title\":\"N\"}"));
    // FastAPI (the probe's Refs): "period": {"$ref": "#/components/schemas/Period"}, "color": {"$ref": "#/components/schemas/Color"}, no title
    assertThat(doc.at("/components/schemas/Refs/properties")).isEqualTo(json("{\"period\":{\"$ref\":"
        + "\"#/components/schemas/Period\"},\"color\":{\"$ref\":\"#/components/schemas/Color\"}}"));
    // FastAPI (the probe's /checked-period): "schema": {"$ref": "#/components/schemas/Period"}
    assertThat(doc.at("/paths/~1checked-period/post/requestBody/content/application~1json/schema"))
        .isEqualTo(json("{\"$ref\":\"#/components/schemas/Period\"}"));
  }

  /**
   * {@code @Doc} and a class-level constraint on one record: the doc in its schema, the check on the built
   * record. FastAPI (the probe's DocPeriod, a docstring, model_config's title and a model validator):
   * {@code "DocPeriod": {..., "title": "Span", "description": "A span of days."}}; {@code POST /doc-period}
   * as {@code /period} above.
   */
  @Test
  void aDocumentedRecordWithAClassConstraintIsBothDocumentedAndChecked() throws IOException {
    try (TestClient docs = TestClient.start(build(new DocPeriodApi()).install(App.builder()).build())) {
      JsonNode schema = docs.get("/openapi.json").json().at("/components/schemas/DocPeriod");
      assertThat(schema).isEqualTo(json("{\"properties\":{\"start\":{\"type\":\"string\",\"format\":\"date\","
          + "\"title\":\"Start\"},\"end\":{\"type\":\"string\",\"format\":\"date\",\"title\":\"End\"}},\"type\":"
          + "\"object\",\"required\":[\"start\",\"end\"],\"title\":\"Span\",\"description\":\"A span of days.\"}"));
      String body = "{\"start\":\"2026-01-02\",\"end\":\"2026-01-01\"}";
      assertThat(detail(docs.postJson("/doc-period", body))).isEqualTo(json("{\"detail\":[{\"type\":\"value_error\","
          + "\"loc\":[\"body\"],\"msg\":\"Value error, end must be after start\",\"input\":" + body
          + ",\"ctx\":{\"error\":{}}}]}"));
    }
  }

  /**
   * A custom constraint and {@code @Doc} on one value: the constraint adds nothing, the doc sits beside
   * the bare {@code $ref}. FastAPI (the probe's DocRefs and /doc-checked-period):
   * {@code "period": {"$ref": "#/components/schemas/Period", "title": "Span", "description": "When"},
   * "color": {"$ref": "#/components/schemas/Color", "description": "Which", "deprecated": true}};
   * {@code "schema": {"$ref": "#/components/schemas/Period", "description": "The period"}}.
   */
  @Test
  void aDocumentedConstrainedRecordOrEnumKeepsItsDocBesideTheRef() throws IOException {
    JsonNode doc = client.get("/openapi.json").json();
    assertThat(doc.at("/components/schemas/DocRefs/properties")).isEqualTo(json("{\"period\":{\"$ref\":"
        + "\"#/components/schemas/Period\",\"title\":\"Span\",\"description\":\"When\"},\"color\":{\"$ref\":"
        + "\"#/components/schemas/Color\",\"description\":\"Which\",\"deprecated\":true}}"));
    assertThat(doc.at("/paths/~1doc-checked-period/post/requestBody/content/application~1json/schema"))
        .isEqualTo(json("{\"$ref\":\"#/components/schemas/Period\",\"description\":\"The period\"}"));
  }

  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {EvenInt.class, AlsoEvenInt.class})
  @interface Twice {
    String message() default "twice";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class AlsoEvenInt implements ConstraintValidator<Twice, Integer> {
    @Override
    public boolean isValid(Integer n, ConstraintValidatorContext context) {
      return true;
    }
  }

  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = NeedsArgument.class)
  @interface Unmakeable {
    String message() default "never";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class NeedsArgument implements ConstraintValidator<Unmakeable, String> {
    NeedsArgument(String unused) {}

    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      return true;
    }
  }

  @Target({FIELD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {})
  @LoopB
  @interface LoopA {
    String message() default "a";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  @Target({FIELD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {})
  @LoopA
  @interface LoopB {
    String message() default "b";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = {})
  @jakarta.validation.ReportAsSingleViolation
  @Size(max = 2)
  @interface Single {
    String message() default "single";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class Looping {
    @Get("/t")
    String t(@Query @LoopA String t) {
      return t;
    }
  }

  static final class SingleViolation {
    @Get("/t")
    String t(@Query @Single String t) {
      return t;
    }
  }

  static final class RecordInQuery {
    @Get("/t")
    String t(@Query @Ordered Period p) {
      return "";
    }
  }

  static final class OptionalRecordInQuery {
    @Get("/t")
    String t(@Query @Ordered Optional<Period> p) {
      return "";
    }
  }

  static final class OptionalConstrainedFormRecord {
    @Post("/t")
    String t(@FormField @Ordered Optional<Period> p) {
      return "";
    }
  }

  static final class ConstrainedFormRecord {
    @Post("/t")
    String t(@FormField @Ordered Period p) {
      return "";
    }
  }

  static final class EvenText {
    @Get("/t")
    String t(@Query @Even String t) {
      return t;
    }
  }

  static final class Ambiguous {
    @Get("/t")
    int t(@Query @Twice int t) {
      return t;
    }
  }

  static final class NoConstructor {
    @Get("/t")
    String t(@Query @Unmakeable String t) {
      return t;
    }
  }

  record Unordered(@Ordered String s) {}

  static final class WrongRecordType {
    @Post("/t")
    String t(@Body Unordered u) {
      return u.s();
    }
  }

  private static TypedApi build(Object controller) {
    return TypedApi.builder().controller(controller).build();
  }

  /** Checked nowhere if it were taken: an enum is a scalar, pydantic has no validator on an enum's class. */
  @Target({TYPE, FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = NotFirst.class)
  @interface NoFirst {
    String message() default "not the first";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class NotFirst implements ConstraintValidator<NoFirst, Enum<?>> {
    @Override
    public boolean isValid(Enum<?> e, ConstraintValidatorContext context) {
      return e.ordinal() > 0;
    }
  }

  @NoFirst
  enum Shade { DARK, LIGHT }

  static final class ConstrainedEnumClass {
    @Get("/t")
    String t(@Query Shade s) {
      return s.name();
    }
  }

  static final class ConstrainedEnumKey {
    @Post("/t")
    String t(@Body java.util.Map<Shade, Integer> counts) {
      return "";
    }
  }

  /** An escaped dollar is a plain character: the {max} after it is still filled in; an unescaped one is EL, kept. */
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = Never.class)
  @interface Priced {
    int max() default 6;

    String message() default "costs at most \\${max}, not ${max} or ${1+1}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class Never implements ConstraintValidator<Priced, String> {
    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      return false;
    }
  }

  static final class PricedApi {
    @Get("/t")
    String t(@Query @Priced String p) {
      return p;
    }
  }

  @Test
  void anEscapedDollarIsACharacterAndTheKeyAfterItIsFilledIn() {
    try (TestClient priced = TestClient.start(build(new PricedApi()).install(App.builder()).build())) {
      assertThat(detail(priced.get("/t?p=x")).at("/detail/0/msg").asText())
          .isEqualTo("Value error, costs at most $6, not ${max} or ${1+1}");
    }
  }

  /**
   * Repeatable, as Jakarta's own are: written twice, Java wraps both in its List (public: the JDK's
   * proxy of the List must reach it).
   */
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @java.lang.annotation.Repeatable(Prefixed.List.class)
  @Constraint(validatedBy = StartsWith.class)
  public @interface Prefixed {
    String value();

    String message() default "must start with {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    @Target({FIELD, PARAMETER, TYPE_USE})
    @Retention(RUNTIME)
    @interface List {
      Prefixed[] value();
    }
  }

  static final class StartsWith implements ConstraintValidator<Prefixed, String> {
    private String prefix;

    @Override
    public void initialize(Prefixed p) {
      prefix = p.value();
    }

    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      return s.startsWith(prefix);
    }
  }

  static final class RepeatedApi {
    @Get("/t")
    String t(@Query @Prefixed("a") @Prefixed("ab") String p) {
      return p;
    }
  }

  /** FastAPI's twin: two AfterValidators on one value, the first that refuses reported. */
  @Test
  void aRepeatedConstraintRunsEachOfItsValidators() {
    try (TestClient repeated = TestClient.start(build(new RepeatedApi()).install(App.builder()).build())) {
      assertThat(detail(repeated.get("/t?p=x")).at("/detail/0/msg").asText()).isEqualTo("Value error, must start with a");
      assertThat(detail(repeated.get("/t?p=ax")).at("/detail/0/msg").asText()).isEqualTo("Value error, must start with ab");
      assertThat(repeated.get("/t?p=abc").status()).isEqualTo(200);
    }
  }

  /** A validator that (unwisely) puts the client's text into its template: filling it in stays linear. */
  @Target({FIELD, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  @Constraint(validatedBy = Echoing.class)
  @interface Echoed {
    String message() default "unused";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  static final class Echoing implements ConstraintValidator<Echoed, String> {
    @Override
    public boolean isValid(String s, ConstraintValidatorContext context) {
      context.disableDefaultConstraintViolation();
      context.buildConstraintViolationWithTemplate("refused: " + s).addConstraintViolation();
      return false;
    }
  }

  record Said(@Echoed String text) {}

  static final class EchoApi {
    @Post("/t")
    String t(@Body Said said) {
      return said.text();
    }
  }

  /** 500,000 braces before one closing brace: each was scanned to the end of the template, quadratic. */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aTemplateOfManyOpenBracesIsFilledInLinearTime() {
    String braces = "{".repeat(500_000) + "}";
    try (TestClient echo = TestClient.start(build(new EchoApi()).install(App.builder()).build())) {
      JsonNode r = detail(echo.postJson("/t", "{\"text\":\"" + braces + "\"}"));
      assertThat(r.at("/detail/0/msg").asText()).isEqualTo("Value error, refused: " + braces);
    }
  }

  static final class ThrowingOnDefault {
    @Get("/t")
    int t(@Query @Default("3") @Boom int n) {
      return n;
    }
  }

  /** A default is checked when the API is built: a validator that throws there fails the build naming the default. */
  @Test
  void aValidatorThatThrowsOnADefaultFailsTheBuildNamingIt() {
    assertThatThrownBy(() -> build(new ThrowingOnDefault())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ThrowingOnDefault.t").hasMessageContaining("@Default(\"3\") could not be checked")
        .hasMessageContaining("ArithmeticException");
  }

  @Test
  void aConstraintOnAnEnumClassFailsTheBuildInsteadOfBeingIgnored() {
    assertThatThrownBy(() -> build(new ConstrainedEnumClass())).hasMessageContaining("ConstrainedEnumClass.t")
        .hasMessageContaining("@NoFirst on enum Shade is not checked");
    assertThatThrownBy(() -> build(new ConstrainedEnumKey())).hasMessageContaining("ConstrainedEnumKey.t")
        .hasMessageContaining("@NoFirst on enum Shade is not checked");
  }

  @Test
  void anUnusableValidatorFailsTheBuildNamingTheParameter() {
    assertThatThrownBy(() -> build(new EvenText())).hasMessageContaining("EvenText.t")
        .hasMessageContaining("@Even has no validator for String (EvenInt takes Integer, EvenLong takes Long)");
    assertThatThrownBy(() -> build(new Ambiguous())).hasMessageContaining("Ambiguous.t")
        .hasMessageContaining("@Twice's validators AlsoEvenInt and EvenInt both take int");
    assertThatThrownBy(() -> build(new NoConstructor())).hasMessageContaining("NoConstructor.t")
        .hasMessageContaining("NeedsArgument has no no-arg constructor");
    assertThatThrownBy(() -> build(new WrongRecordType())).hasMessageContaining("Unordered.s")
        .hasMessageContaining("@Ordered has no validator for String (OrderedPeriod takes Period, OrderedDocPeriod takes DocPeriod)");
    assertThatThrownBy(() -> build(new Looping())).hasMessageContaining("Looping.t")
        .hasMessageContaining("(@LoopA) (@LoopB): @LoopA is composed of itself");
    assertThatThrownBy(() -> build(new SingleViolation())).hasMessageContaining("SingleViolation.t")
        .hasMessageContaining("@Single is @ReportAsSingleViolation");
    // a record with a constraint on its parameter is still a record: from the body, or from a form with
    // the constraint on its class
    assertThatThrownBy(() -> build(new RecordInQuery())).hasMessageContaining("RecordInQuery.t")
        .hasMessageContaining("a record comes from the body (@Body) or a form (@FormField)");
    assertThatThrownBy(() -> build(new ConstrainedFormRecord())).hasMessageContaining("ConstrainedFormRecord.t")
        .hasMessageContaining("a record read from a form takes no constraint on its parameter");
    // so is one in an Optional (the constraint then checks what is inside): text holds no record
    assertThatThrownBy(() -> build(new OptionalRecordInQuery())).hasMessageContaining("OptionalRecordInQuery.t")
        .hasMessageContaining("'p': a record comes from the body (@Body) or a form (@FormField), not from the query"
            + " (Optional<Period> holds record Period)");
    assertThatThrownBy(() -> build(new OptionalConstrainedFormRecord()))
        .hasMessageContaining("OptionalConstrainedFormRecord.t").hasMessageContaining("'p': a record comes from the"
            + " body (@Body) or, declared bare (@FormField Period), is the whole form; one form field is text"
            + " (Optional<Period> holds record Period)");
  }
}
