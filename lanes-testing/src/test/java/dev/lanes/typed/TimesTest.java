package dev.lanes.typed;

import static dev.lanes.typed.ScalarProbe.JSON;
import static dev.lanes.typed.ScalarProbe.answers;
import static dev.lanes.typed.ScalarProbe.query;
import static dev.lanes.typed.ScalarProbe.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code LocalTime} and {@code OffsetTime} read as pydantic 2.13 reads {@code time} (FastAPI 0.142.2
 * side by side): the refusals are FastAPI's answers to the same requests; an offset is refused for a
 * {@code LocalTime} and required for an {@code OffsetTime}, as for datetimes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimesTest {
  record Slot(OffsetTime at) {}

  static final class Routes {
    @Get("/time")
    Map<String, Object> local(@Query LocalTime v) {
      return Map.of("v", v);
    }

    @Get("/since")
    Map<String, Object> since(@Query @Default("03:04:00+01:00") OffsetTime v) {
      return Map.of("v", v);
    }

    @Get("/offset")
    Map<String, Object> offset(@Query OffsetTime v) {
      return Map.of("v", v);
    }

    @Post("/slot")
    Slot slot(@Body Slot s) {
      return s;
    }
  }

  private static String timeParsing(String loc, com.fasterxml.jackson.databind.JsonNode input, String reason) {
    return "{\"detail\":[{\"type\":\"time_parsing\",\"loc\":" + loc + ",\"msg\":\"Input should be in a valid time"
        + " format, " + reason + "\",\"input\":" + input + ",\"ctx\":{\"error\":\"" + reason + "\"}}]}";
  }

  @Test
  void anAwareDefaultIsDocumentedWithItsSecondsAsPydanticWritesIt() throws Exception {
    try (TestClient client = start(new Routes())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/paths/~1since/get/parameters/0/schema/default").asText()).isEqualTo("03:04:00+01:00");
    }
  }

  @Test
  void anOffsetPastJavasEighteenHoursIsA422() throws Exception {
    try (TestClient client = start(new Routes())) {
      // pydantic takes offsets up to 23:59; an OffsetTime holds at most 18:00: a 422, not a 500
      answers(query(client, "/offset", "03:04:05+19:00"), 422, timeParsing("[\"query\",\"v\"]",
          JSON.valueToTree("03:04:05+19:00"), "timezone offset must be at most 18 hours"));
    }
  }

  @Test
  void timesInThePydanticForms() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(query(client, "/time", "03:04:05"), 200, "{\"v\":\"03:04:05\"}");
      answers(query(client, "/time", "03:04:05.1234567"), 200, "{\"v\":\"03:04:05.123456\"}");
      answers(query(client, "/offset", "03:04:05Z"), 200, "{\"v\":\"03:04:05Z\"}");
      answers(query(client, "/offset", "03:04:05+01:00"), 200, "{\"v\":\"03:04:05+01:00\"}");
      answers(query(client, "/offset", "03:04:05.5-05:30"), 200, "{\"v\":\"03:04:05.500-05:30\"}");
      // Jackson writes an OffsetTime with zero seconds as its toString does, HH:MM (pydantic: 01:00:00Z); a LocalTime keeps them
      answers(client.postJson("/slot", "{\"at\":3600}"), 200, "{\"at\":\"01:00Z\"}");
      answers(client.postJson("/slot", "{\"at\":0}"), 200, "{\"at\":\"00:00Z\"}");
      answers(query(client, "/time", "03:04"), 200, "{\"v\":\"03:04:00\"}");
      answers(client.postJson("/slot", "{\"at\":86399.5}"), 200, "{\"at\":\"23:59:59.500Z\"}");
      answers(client.postJson("/slot", "{\"at\":3600.1234567}"), 200, "{\"at\":\"01:00:00.123457Z\"}");
    }
  }

  @Test
  void refusedAsPydanticRefusesThem() throws Exception {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("3:04", "input is too short");
    refused.put("x", "input is too short");
    refused.put("", "input is too short");
    refused.put("3600", "input is too short");
    refused.put("3600.5", "invalid time separator, expected `:`");
    refused.put("86400", "invalid time separator, expected `:`");
    refused.put("03-04", "invalid time separator, expected `:`");
    refused.put("25:00", "hour value is outside expected range of 0-23");
    refused.put("24:00", "hour value is outside expected range of 0-23");
    refused.put("03:60", "minute value is outside expected range of 0-59");
    refused.put("03:04:60", "second value is outside expected range of 0-59");
    refused.put("03:04:05 ", "invalid timezone sign");
    refused.put("03:04x", "invalid timezone sign");
    refused.put("03:04:05.", "second fraction digits missing after `.`");
    refused.put("T03:04", "invalid character in hour");
    refused.put("0a:00", "invalid character in hour");
    refused.put("03:0a", "invalid character in minute");
    refused.put("03:04:5", "invalid character in second");
    refused.put("03:04:05+01", "invalid timezone minute");
    refused.put("03:04:05+25:00", "timezone offset must be less than 24 hours");
    try (TestClient client = start(new Routes())) {
      for (Map.Entry<String, String> e : refused.entrySet()) {
        for (String path : List.of("/time", "/offset")) {
          answers(query(client, path, e.getKey()), 422,
              timeParsing("[\"query\",\"v\"]", JSON.valueToTree(e.getKey()), e.getValue()));
        }
      }
      answers(query(client, "/time", "03:04:05Z"), 422, "{\"detail\":[{\"type\":\"timezone_naive\",\"loc\":[\"query\","
          + "\"v\"],\"msg\":\"Input should not have timezone info\",\"input\":\"03:04:05Z\"}]}");
      answers(query(client, "/offset", "03:04:05"), 422, "{\"detail\":[{\"type\":\"timezone_aware\",\"loc\":[\"query\","
          + "\"v\"],\"msg\":\"Input should have timezone info\",\"input\":\"03:04:05\"}]}");
      for (String[] bad : List.of(new String[] {"-1", "time in seconds should be positive"},
          new String[] {"-0.5", "time in seconds should be positive"},
          new String[] {"86399.9999999", "numeric times may not exceed 86,399 seconds"},
          new String[] {"4294967296", "numeric times may not exceed 86,399 seconds"},
          new String[] {"1e20", "numeric times may not exceed 86,399 seconds"})) {
        answers(client.postJson("/slot", "{\"at\":" + bad[0] + "}"), 422,
            timeParsing("[\"body\",\"at\"]", JSON.readTree(bad[0]), bad[1]));
      }
      for (String bad : List.of("true", "null", "[1]")) {
        answers(client.postJson("/slot", "{\"at\":" + bad + "}"), 422, "{\"detail\":[{\"type\":\"time_type\",\"loc\":"
            + "[\"body\",\"at\"],\"msg\":\"Input should be a valid time\",\"input\":" + bad + "}]}");
      }
      assertThat(client.get("/openapi.json").json().at("/components/schemas/Slot/properties/at"))
          .isEqualTo(JSON.readTree("{\"type\":\"string\",\"format\":\"time\",\"title\":\"At\"}"));
    }
  }
}
