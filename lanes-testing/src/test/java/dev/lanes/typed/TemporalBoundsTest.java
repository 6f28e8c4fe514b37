package dev.lanes.typed;

import static dev.lanes.typed.ScalarProbe.answers;
import static dev.lanes.typed.ScalarProbe.query;
import static dev.lanes.typed.ScalarProbe.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.FutureOrPresent;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.PastOrPresent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @Past}, {@code @Future} and their {@code OrPresent} forms on dates and datetimes, answered as
 * pydantic 2.13 answers {@code PastDate}, {@code FutureDate}, {@code PastDatetime} and {@code FutureDatetime}
 * (FastAPI 0.142.2 side by side: the 422 bodies are its answers to the same requests). The dates here are
 * centuries from now, so the server's clock decides nothing close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TemporalBoundsTest {
  record Event(@Past LocalDate born, @Future OffsetDateTime at, Optional<@PastOrPresent Instant> seen) {}

  static final class Routes {
    @Get("/past-date")
    Map<String, Object> pastDate(@Query @Past LocalDate v) {
      return Map.of("v", v);
    }

    @Get("/future-date/{v}")
    Map<String, Object> futureDate(@Path @Future LocalDate v) {
      return Map.of("v", v);
    }

    @Get("/past-naive")
    Map<String, Object> pastNaive(@Header("X-When") @Past LocalDateTime when) {
      return Map.of("v", when);
    }

    @Get("/future-instant")
    Map<String, Object> futureInstant(@Cookie @FutureOrPresent Instant v) {
      return Map.of("v", v);
    }

    @Post("/form")
    Map<String, Object> form(@FormField @PastOrPresent LocalDate v) {
      return Map.of("v", v);
    }

    @Get("/list")
    Map<String, Object> list(@Query List<@Future LocalDate> v) {
      return Map.of("v", v);
    }

    @Post("/event")
    Event event(@Body Event e) {
      return e;
    }
  }

  private static String refused(String type, List<?> loc, Object input) {
    String msg = type.startsWith("date_") ? (type.endsWith("past") ? "Date should be in the past" : "Date should be in the future")
        : type.endsWith("past") ? "Input should be in the past" : "Input should be in the future";
    return "{\"type\":\"" + type + "\",\"loc\":" + ScalarProbe.JSON.valueToTree(loc) + ",\"msg\":\"" + msg
        + "\",\"input\":" + ScalarProbe.JSON.valueToTree(input) + "}";
  }

  private static String detail(String... errors) {
    return "{\"detail\":[" + String.join(",", errors) + "]}";
  }

  /** {@code value}, sent as {@code path}'s query parameter {@code v}, is refused with the error {@code type}. */
  private static void queryRefused(TestClient client, String path, String value, String type) throws Exception {
    answers(query(client, path, value), 422, detail(refused(type, List.of("query", "v"), value)));
  }

  @Test
  void datesOnEitherSideOfNowAreTakenOrRefusedInEverySource() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(query(client, "/past-date", "2000-01-01"), 200, "{\"v\":\"2000-01-01\"}");
      queryRefused(client, "/past-date", "2999-01-01", "date_past");
      answers(client.get("/future-date/2999-01-01"), 200, "{\"v\":\"2999-01-01\"}");
      answers(client.get("/future-date/2000-01-01"), 422,
          detail(refused("date_future", List.of("path", "v"), "2000-01-01")));
      // a bad date is still reported as a bad date, not as one in the past
      answers(query(client, "/past-date", "today"), 422, "{\"detail\":[{\"type\":\"date_from_datetime_parsing\","
          + "\"loc\":[\"query\",\"v\"],\"msg\":\"Input should be a valid date or datetime, input is too short\","
          + "\"input\":\"today\",\"ctx\":{\"error\":\"input is too short\"}}]}");

      answers(client.send(client.request("/past-naive").header("X-When", "2000-01-01T00:00:00")), 200,
          "{\"v\":\"2000-01-01T00:00:00\"}");
      answers(client.send(client.request("/past-naive").header("X-When", "2999-01-01T00:00:00")), 422,
          detail(refused("datetime_past", List.of("header", "X-When"), "2999-01-01T00:00:00")));
      answers(client.send(client.request("/future-instant").header("Cookie", "v=2999-01-01T00:00:00Z")), 200,
          "{\"v\":\"2999-01-01T00:00:00Z\"}");
      answers(client.send(client.request("/future-instant").header("Cookie", "v=946684800")), 422,
          detail(refused("datetime_future", List.of("cookie", "v"), "946684800")));

      answers(client.post("/form", "v=2000-01-01", "application/x-www-form-urlencoded"), 200, "{\"v\":\"2000-01-01\"}");
      answers(client.post("/form", "v=2999-01-01", "application/x-www-form-urlencoded"), 422,
          detail(refused("date_past", List.of("body", "v"), "2999-01-01")));

      answers(client.get("/list?v=2999-01-01&v=2000-01-01"), 422,
          detail(refused("date_future", List.of("query", "v", 1), "2000-01-01")));
    }
  }

  @Test
  void aBodyReportsEachBoundItsFieldsMiss() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(client.postJson("/event", "{\"born\":\"2000-01-01\",\"at\":\"2999-01-01T00:00:00+01:00\"}"), 200,
          "{\"born\":\"2000-01-01\",\"at\":\"2999-01-01T00:00:00+01:00\",\"seen\":null}");
      JsonNode error = client.postJson("/event",
          "{\"born\":\"2999-01-01\",\"at\":\"2000-01-01T00:00:00Z\",\"seen\":10000000000}").json();
      assertThat(error).isEqualTo(ScalarProbe.JSON.readTree(detail(
          refused("date_past", List.of("body", "born"), "2999-01-01"),
          refused("datetime_future", List.of("body", "at"), "2000-01-01T00:00:00Z"),
          refused("datetime_past", List.of("body", "seen"), 10000000000L))));
    }
  }

  @Test
  void theDocumentSaysOnlyTheFormatAsFastApiDoes() throws Exception {
    try (TestClient client = start(new Routes())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/paths/~1past-date/get/parameters/0/schema")).isEqualTo(ScalarProbe.JSON.readTree(
          "{\"type\":\"string\",\"format\":\"date\",\"title\":\"V\"}"));
      assertThat(doc.at("/components/schemas/Event-Input/properties/at")).isEqualTo(ScalarProbe.JSON.readTree(
          "{\"type\":\"string\",\"format\":\"date-time\",\"title\":\"At\"}"));
    }
  }

  static final class Today {
    @Get("/past")
    String past(@Query @Past LocalDate v) {
      return "past";
    }

    @Get("/past-or-present")
    String pastOrPresent(@Query @PastOrPresent LocalDate v) {
      return "past or present";
    }

    @Get("/future")
    String future(@Query @Future LocalDate v) {
      return "future";
    }

    @Get("/future-or-present")
    String futureOrPresent(@Query @FutureOrPresent LocalDate v) {
      return "future or present";
    }

    @Get("/naive")
    String naive(@Query @Past LocalDateTime v) {
      return "past";
    }

    @Get("/aware")
    String aware(@Query @Past OffsetDateTime v) {
      return "past";
    }
  }

  @Test
  void nowIsTheClocksTodayInItsZoneAndTheMomentForAnOffset() throws Exception {
    // 2024-01-02T03:00Z is 2024-01-02 17:00 at +14:00: today there, a naive 10:00 there is past
    Clock clock = Clock.fixed(Instant.parse("2024-01-02T03:00:00Z"), ZoneOffset.ofHours(14));
    App app = TypedApi.builder().clock(clock).controller(new Today()).build().install(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      // today is neither past nor future, as pydantic's PastDate and FutureDate say; the OrPresent forms take it
      answers(query(client, "/past", "2024-01-01"), 200, "\"past\"");
      queryRefused(client, "/past", "2024-01-02", "date_past");
      queryRefused(client, "/future", "2024-01-02", "date_future");
      answers(query(client, "/future", "2024-01-03"), 200, "\"future\"");
      answers(query(client, "/past-or-present", "2024-01-02"), 200, "\"past or present\"");
      queryRefused(client, "/past-or-present", "2024-01-03", "date_past");
      answers(query(client, "/future-or-present", "2024-01-02"), 200, "\"future or present\"");
      queryRefused(client, "/future-or-present", "2024-01-01", "date_future");
      // a naive datetime is the clock zone's wall time (17:00 there), as pydantic reads it as local time
      answers(query(client, "/naive", "2024-01-02T16:59:59"), 200, "\"past\"");
      queryRefused(client, "/naive", "2024-01-02T17:00:00", "datetime_past");
      // an aware one is the moment, whatever offset it is sent in
      answers(query(client, "/aware", "2024-01-02T02:59:59Z"), 200, "\"past\"");
      queryRefused(client, "/aware", "2024-01-02T04:00:00+01:00", "datetime_past");
    }
  }

  static final class Until {
    @Get("/until")
    String until(@Query @Default("2025-01-01") @Future LocalDate v) {
      return v.toString();
    }

    @Get("/until-maybe")
    String untilMaybe(@Query @Default("2025-01-01") Optional<@Future LocalDate> v) {
      return v.orElseThrow().toString();
    }

    @Get("/until-each")
    List<LocalDate> untilEach(@Query @Default("[\"2025-01-01\"]") List<@Future LocalDate> v) {
      return v;
    }

    @Post("/event")
    Event event(@Body @Default("{\"born\":\"2000-01-01\",\"at\":\"2025-01-01T00:00:00Z\"}") Event e) {
      return e;
    }
  }

  @Test
  void aDefaultPastItsBoundByNowStillBuildsAndIsTheAnswerWithoutTheValue() throws Exception {
    // Checked against the clock when built, the same code built on 2024-12-31 and failed on 2025-01-01:
    // an app that stops starting on a date. FastAPI never checks a default against now (nor at all).
    Clock later = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    App app = TypedApi.builder().clock(later).controller(new Until()).build().install(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      answers(client.get("/until"), 200, "\"2025-01-01\"");
      queryRefused(client, "/until", "2025-01-01", "date_future");
      answers(client.get("/until-maybe"), 200, "\"2025-01-01\""); // an Optional's default is its content's text
      queryRefused(client, "/until-maybe", "2025-01-01", "date_future");
      // nor a bound on what a default holds: a list's elements, a record's fields
      answers(client.get("/until-each"), 200, "[\"2025-01-01\"]");
      answers(query(client, "/until-each", "2025-01-01"), 422,
          detail(refused("date_future", List.of("query", "v", 0), "2025-01-01")));
      answers(client.post("/event", "", "application/json"), 200,
          "{\"born\":\"2000-01-01\",\"at\":\"2025-01-01T00:00:00Z\",\"seen\":null}");
    }
  }

  static final class PastTime {
    @Get("/t")
    String t(@Query @Past LocalTime v) {
      return "";
    }
  }

  static final class FutureOffsetTime {
    @Get("/t")
    String t(@Query @Future OffsetTime v) {
      return "";
    }
  }

  @Test
  void aTimeOfDayTakesNoBoundAndSaysWhy() {
    for (Object controller : List.of(new PastTime(), new FutureOffsetTime())) {
      assertThatThrownBy(() -> TypedApi.builder().controller(controller).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a time of day is in the past or future only within a day");
    }
  }
}
