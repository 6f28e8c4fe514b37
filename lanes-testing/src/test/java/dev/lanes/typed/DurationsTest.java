package dev.lanes.typed;

import static dev.lanes.typed.ScalarProbe.JSON;
import static dev.lanes.typed.ScalarProbe.answers;
import static dev.lanes.typed.ScalarProbe.query;
import static dev.lanes.typed.ScalarProbe.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Duration} read as pydantic 2.13 reads {@code timedelta} (FastAPI 0.142.2 side by side): each
 * accepted form's length in seconds and each refusal is FastAPI's answer to the same request. The
 * handler answers the length in seconds, as pydantic and Jackson write durations differently (see docs/typed.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurationsTest {
  record Wait(Duration d) {}

  static final class Routes {
    @Get("/td")
    Map<String, Object> td(@Query Duration v) {
      return Map.of("v", v.getSeconds() + v.getNano() / 1e9);
    }

    @Post("/wait")
    Map<String, Object> wait(@Body Wait w) {
      return Map.of("v", w.d().getSeconds() + w.d().getNano() / 1e9);
    }

    @Post("/echo")
    Wait echo(@Body Wait w) {
      return w;
    }
  }

  private static TestResponse query(TestClient client, String value) {
    return client.get("/td?v=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String refused(String loc, com.fasterxml.jackson.databind.JsonNode input, String reason) {
    return "{\"detail\":[{\"type\":\"time_delta_parsing\",\"loc\":" + loc + ",\"msg\":\"Input should be a valid"
        + " timedelta, " + reason.replace("\"", "\\\"") + "\",\"input\":" + input + ",\"ctx\":{\"error\":\""
        + reason.replace("\"", "\\\"") + "\"}}]}";
  }

  @Test
  void isoDurationsDaysAndClocks() throws Exception {
    Map<String, Double> accepted = new java.util.LinkedHashMap<>();
    accepted.put("PT1H", 3600.0);
    accepted.put("P1D", 86400.0);
    accepted.put("P1DT2H3M4.5S", 93784.5);
    accepted.put("-PT1H", -3600.0);
    accepted.put("+PT1H", 3600.0);
    accepted.put("P1Y", 31536000.0);
    accepted.put("P1M", 2592000.0);
    accepted.put("P1W", 604800.0);
    accepted.put("PT1.5H", 5400.0);
    accepted.put("P1.5Y", 47304000.0);
    accepted.put("P1DT", 86400.0);
    accepted.put("PT0.0000001S", 0.0);
    accepted.put("1:00:00", 3600.0);
    accepted.put("1 day, 1:00:00", 90000.0);
    accepted.put("1 days, 01:00:00", 90000.0);
    accepted.put("1 day,01:00", 90000.0);
    accepted.put("1D,1:00:00", 90000.0);
    accepted.put("1 day", 86400.0);
    accepted.put("1 Day", 86400.0);
    accepted.put("-1 day", -86400.0);
    accepted.put("1d", 86400.0);
    accepted.put("00:01", 60.0);
    accepted.put("+00:01", 60.0);
    accepted.put("10:00", 36000.0);
    accepted.put("25:00:00", 90000.0);
    accepted.put("100:00", 360000.0);
    accepted.put(":00:00", 0.0);
    accepted.put("01:02:03.5", 3723.5);
    accepted.put("12:34:56.789", 45296.789);
    accepted.put("00:00:00.1234567", 0.123456);
    accepted.put("P999999999D", 86399999913600.0);
    try (TestClient client = start(new Routes())) {
      for (Map.Entry<String, Double> e : accepted.entrySet()) {
        answers(query(client, e.getKey()), 200, "{\"v\":" + e.getValue() + "}");
      }
    }
  }

  @Test
  void refusedWithSpeedatesReason() throws Exception {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("3600", "\"day\" identifier in duration not correctly formatted");
    refused.put("-3600", "\"day\" identifier in duration not correctly formatted");
    refused.put("1:00", "\"day\" identifier in duration not correctly formatted");
    refused.put("1 dai", "\"day\" identifier in duration not correctly formatted");
    refused.put("1  day", "\"day\" identifier in duration not correctly formatted");
    refused.put("3600.5", "invalid character in hour");
    refused.put("a:00:00", "invalid character in hour");
    refused.put("1:2:3", "invalid character in minute");
    refused.put("01:60", "minute value is outside expected range of 0-59");
    refused.put("01:02:03x", "unexpected extra characters at the end of the input");
    refused.put("PT", "input is too short");
    refused.put("P", "input is too short");
    refused.put("", "input is too short");
    refused.put("1d1", "input is too short");
    refused.put("x", "invalid digit in duration");
    refused.put("pt1h", "invalid digit in duration");
    refused.put("PT1.5H30M", "quantity fraction invalid in duration");
    refused.put("PTT1H", "`t` character repeated in duration");
    refused.put("P1H", "quantity invalid in date part of duration");
    refused.put("P1", "quantity invalid in date part of duration");
    refused.put("PT1D", "quantity invalid in time part of duration");
    refused.put("PT1", "quantity invalid in time part of duration");
    refused.put("1 day 24:00:00", "durations may not exceed 999,999,999 hours");
    refused.put("99999999999:00", "durations may not exceed 999,999,999 hours");
    refused.put("4294967296D", "a numeric value in the duration is too large");
    refused.put("PT4294967296S", "a numeric value in the duration is too large");
    refused.put("P1000000000D", "durations may not exceed 999,999,999 days");
    refused.put("1000000000 days", "durations may not exceed 999,999,999 days");
    try (TestClient client = start(new Routes())) {
      for (Map.Entry<String, String> e : refused.entrySet()) {
        answers(query(client, e.getKey()), 422, refused("[\"query\",\"v\"]", JSON.valueToTree(e.getKey()), e.getValue()));
      }
    }
  }

  @Test
  void jsonNumbersAreSeconds() throws Exception {
    try (TestClient client = start(new Routes())) {
      for (String[] ok : List.of(new String[] {"3600", "3600.0"}, new String[] {"3600.25", "3600.25"},
          new String[] {"-1.5", "-1.5"}, new String[] {"-86401", "-86401.0"}, new String[] {"0.0000004", "0.0"},
          new String[] {"true", "1.0"}, new String[] {"\"P1DT2H3M4.5S\"", "93784.5"})) {
        answers(client.postJson("/wait", "{\"d\":" + ok[0] + "}"), 200, "{\"v\":" + ok[1] + "}");
      }
      answers(client.postJson("/wait", "{\"d\":1e20}"), 422,
          refused("[\"body\",\"d\"]", JSON.readTree("1e20"), "durations may not exceed 999,999,999 days"));
      for (String bad : List.of("null", "[1]", "{}")) {
        answers(client.postJson("/wait", "{\"d\":" + bad + "}"), 422, "{\"detail\":[{\"type\":\"time_delta_type\","
            + "\"loc\":[\"body\",\"d\"],\"msg\":\"Input should be a valid timedelta\",\"input\":" + bad + "}]}");
      }
      // written as Java writes a Duration (pydantic: P1DT2H3M4.5S, -PT1H)
      answers(client.postJson("/echo", "{\"d\":\"P1DT2H3M4.5S\"}"), 200, "{\"d\":\"PT26H3M4.5S\"}");
      answers(client.postJson("/echo", "{\"d\":\"PT1H\"}"), 200, "{\"d\":\"PT1H\"}");
      answers(client.postJson("/echo", "{\"d\":\"-PT1H\"}"), 200, "{\"d\":\"PT-1H\"}");
      assertThat(client.get("/openapi.json").json().at("/components/schemas/Wait/properties/d"))
          .isEqualTo(JSON.readTree("{\"type\":\"string\",\"format\":\"duration\",\"title\":\"D\"}"));
    }
  }
}
