package dev.lanes.typed;

import static dev.lanes.typed.ScalarProbe.JSON;
import static dev.lanes.typed.ScalarProbe.answers;
import static dev.lanes.typed.ScalarProbe.query;
import static dev.lanes.typed.ScalarProbe.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code OffsetDateTime} and {@code Instant} read as pydantic 2.13 reads {@code AwareDatetime},
 * {@code LocalDateTime} as {@code NaiveDatetime} (FastAPI 0.142.2 side by side); the expected
 * refusals and values are FastAPI's answers to the same requests, the written text Lanes' (see docs/typed.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatetimesTest {
  record Meeting(OffsetDateTime at, Optional<LocalDateTime> local) {}

  static final class Routes {
    @Get("/aware")
    Map<String, Object> aware(@Query OffsetDateTime v) {
      return Map.of("v", v);
    }

    @Get("/naive")
    Map<String, Object> naive(@Query LocalDateTime v) {
      return Map.of("v", v);
    }

    @Get("/instant")
    Map<String, Object> instant(@Query Instant v) {
      return Map.of("v", v);
    }

    @Get("/since")
    Map<String, Object> since(@Query @Default("2024-01-02T03:04:00+01:00") OffsetDateTime v) {
      return Map.of("v", v);
    }

    @Post("/meeting")
    Meeting meeting(@Body Meeting m) {
      return m;
    }

    @Get("/list")
    Map<String, Object> list(@Query List<Instant> at, @Header @Default("2024-01-02T03:04:00") LocalDateTime since) {
      return Map.of("at", at, "since", since);
    }
  }

  private static String value(String v) {
    return "{\"v\":\"" + v + "\"}";
  }

  private static String refused(String type, String input, String reason) {
    String msg = switch (type) {
      case "datetime_parsing" -> "Input should be a valid datetime, " + reason;
      case "datetime_from_date_parsing" -> "Input should be a valid datetime or date, " + reason;
      case "timezone_naive" -> "Input should not have timezone info";
      default -> "Input should have timezone info";
    };
    return "{\"detail\":[{\"type\":\"" + type + "\",\"loc\":[\"query\",\"v\"],\"msg\":\"" + msg + "\",\"input\":"
        + JSON.valueToTree(input) + (reason == null ? "" : ",\"ctx\":{\"error\":\"" + reason + "\"}") + "}]}";
  }

  @Test
  void awareDatetimesKeepTheirOffset() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(query(client, "/aware", "2024-01-02T03:04:05Z"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "2024-01-02t03:04:05z"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "2024-01-02T03:04:05+00:00"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "2024-01-02T03:04:05-00:00"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "2024-01-02 03:04:05+01:00"), 200, value("2024-01-02T03:04:05+01:00"));
      answers(query(client, "/aware", "2024-01-02T03:04:05.123456789-05:30"), 200,
          value("2024-01-02T03:04:05.123456-05:30"));
      answers(query(client, "/aware", "2024-01-02T03:04:05\u221205:30"), 200, value("2024-01-02T03:04:05-05:30"));
      // unix timestamps are UTC: seconds, milliseconds past 2e10, fractions to the microsecond
      answers(query(client, "/aware", "1704164645"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "+1704164645"), 200, value("2024-01-02T03:04:05Z"));
      answers(query(client, "/aware", "1704164645123"), 200, value("2024-01-02T03:04:05.123Z"));
      answers(query(client, "/aware", "1704164645.1234567"), 200, value("2024-01-02T03:04:05.123457Z"));
      answers(query(client, "/aware", ".5"), 200, value("1970-01-01T00:00:00.5Z"));
      answers(query(client, "/instant", "2024-01-02T03:04:05+01:00"), 200, value("2024-01-02T02:04:05Z"));
    }
  }

  @Test
  void anOffsetPastJavasEighteenHoursIsRefusedOrReadAsAnInstant() throws Exception {
    try (TestClient client = start(new Routes())) {
      // pydantic takes offsets up to 23:59; an OffsetDateTime holds at most 18:00: a 422, not a 500
      for (String far : List.of("2024-01-02T03:04:05+19:00", "2024-01-02T03:04:05-23:59")) {
        answers(query(client, "/aware", far), 422,
            refused("datetime_parsing", far, "timezone offset must be at most 18 hours"));
      }
      // an Instant needs no offset kept: it reads as pydantic reads it
      answers(query(client, "/instant", "2024-01-02T03:04:05+19:00"), 200, value("2024-01-01T08:04:05Z"));
      answers(query(client, "/instant", "2024-01-02T03:04:05-23:59"), 200, value("2024-01-03T03:03:05Z"));
    }
  }

  @Test
  void anAwareDefaultIsDocumentedWithItsSecondsAsPydanticWritesIt() throws Exception {
    try (TestClient client = start(new Routes())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/paths/~1since/get/parameters/0/schema/default").asText()).isEqualTo("2024-01-02T03:04:00+01:00");
    }
  }

  @Test
  void naiveDatetimesAndDatesAsMidnight() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(query(client, "/naive", "2024-01-02T03:04:05"), 200, value("2024-01-02T03:04:05"));
      answers(query(client, "/naive", "2024-01-02_03:04"), 200, value("2024-01-02T03:04:00"));
      answers(query(client, "/naive", "2024-01-02T03:04:05.100000"), 200, value("2024-01-02T03:04:05.1"));
      answers(query(client, "/naive", "2024-01-02"), 200, value("2024-01-02T00:00:00"));
    }
  }

  @Test
  void refusalsAsPydanticNamesThem() throws Exception {
    try (TestClient client = start(new Routes())) {
      for (String path : List.of("/aware", "/naive", "/instant")) {
        for (String[] bad : List.of(new String[] {"x", "input is too short"}, new String[] {"", "input is too short"},
            new String[] {"2024-01-02X", "unexpected extra characters at the end of the input"},
            new String[] {"2024-01-02T03:04:05 ", "unexpected extra characters at the end of the input"},
            new String[] {"2024-01-02T03:04:05.", "unexpected extra characters at the end of the input"},
            new String[] {"2024-01-02T25:00", "unexpected extra characters at the end of the input"},
            new String[] {"2024-02-30T00:00", "day value is outside expected range"},
            new String[] {"300000000000000000", "dates after 9999 are not supported as unix timestamps"},
            new String[] {"-70000000000000", "dates before 0000 are not supported as unix timestamps"},
            new String[] {"99999999999999999999", "invalid date separator, expected `-`"})) {
          answers(query(client, path, bad[0]), 422, refused("datetime_from_date_parsing", bad[0], bad[1]));
        }
      }
      for (String naive : List.of("2024-01-02T03:04:05", "2024-01-02", "0000-01-01")) {
        answers(query(client, "/aware", naive), 422, refused("timezone_aware", naive, null));
        answers(query(client, "/instant", naive), 422, refused("timezone_aware", naive, null));
      }
      for (String aware : List.of("2024-01-02T03:04:05Z", "1704164645", "0000-01-01T00:00:00Z")) {
        answers(query(client, "/naive", aware), 422, refused("timezone_naive", aware, null));
      }
      answers(query(client, "/aware", "0000-01-01T00:00:00Z"), 422,
          refused("datetime_parsing", "0000-01-01T00:00:00Z", "year 0 is out of range"));
      answers(query(client, "/naive", "0000-01-01"), 422, refused("datetime_parsing", "0000-01-01", "year 0 is out of range"));
    }
  }

  @Test
  void jsonBodiesTakeTextAndTimestamps() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(client.postJson("/meeting", "{\"at\":\"2024-01-02T03:04:05Z\",\"local\":\"2024-01-02T03:04:05\"}"), 200,
          "{\"at\":\"2024-01-02T03:04:05Z\",\"local\":\"2024-01-02T03:04:05\"}");
      answers(client.postJson("/meeting", "{\"at\":1704164645}"), 200, "{\"at\":\"2024-01-02T03:04:05Z\",\"local\":null}");
      answers(client.postJson("/meeting", "{\"at\":1704164645.25}"), 200,
          "{\"at\":\"2024-01-02T03:04:05.25Z\",\"local\":null}");
      for (String bad : List.of("true", "null", "[1]", "{}")) {
        answers(client.postJson("/meeting", "{\"at\":" + bad + "}"), 422,
            "{\"detail\":[{\"type\":\"datetime_type\",\"loc\":[\"body\",\"at\"],\"msg\":\"Input should be a valid"
                + " datetime\",\"input\":" + bad + "}]}");
      }
      answers(client.postJson("/meeting", "{\"at\":1e20}"), 422,
          "{\"detail\":[{\"type\":\"datetime_parsing\",\"loc\":[\"body\",\"at\"],\"msg\":\"Input should be a valid"
              + " datetime, dates after 9999 are not supported as unix timestamps\",\"input\":1e+20,\"ctx\":{\"error\":"
              + "\"dates after 9999 are not supported as unix timestamps\"}}]}");
      answers(client.postJson("/meeting", "{\"at\":\"2024-01-02T03:04:05Z\",\"local\":1704164645}"), 422,
          "{\"detail\":[{\"type\":\"timezone_naive\",\"loc\":[\"body\",\"local\"],\"msg\":\"Input should not have"
              + " timezone info\",\"input\":1704164645}]}");
    }
  }

  @Test
  void listsDefaultsAndTheDocument() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(client.get("/list?at=1704164645&at=2024-01-02T03:04:05%2B01:00"), 200,
          "{\"at\":[\"2024-01-02T03:04:05Z\",\"2024-01-02T02:04:05Z\"],\"since\":\"2024-01-02T03:04:00\"}");
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/paths/~1list/get/parameters")).isEqualTo(JSON.readTree(
          "[{\"name\":\"at\",\"in\":\"query\",\"required\":true,\"schema\":{\"type\":\"array\",\"items\":"
              + "{\"type\":\"string\",\"format\":\"date-time\"},\"title\":\"At\"}},{\"name\":\"since\",\"in\":\"header\","
              + "\"required\":false,\"schema\":{\"type\":\"string\",\"format\":\"date-time\",\"default\":"
              + "\"2024-01-02T03:04:00\",\"title\":\"Since\"}}]"));
      assertThat(doc.at("/components/schemas/Meeting-Input/properties")).isEqualTo(JSON.readTree(
          "{\"at\":{\"type\":\"string\",\"format\":\"date-time\",\"title\":\"At\"},\"local\":{\"anyOf\":"
              + "[{\"type\":\"string\",\"format\":\"date-time\"},{\"type\":\"null\"}],\"title\":\"Local\"}}"));
    }
  }
}
