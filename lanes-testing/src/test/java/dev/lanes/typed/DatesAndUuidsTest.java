package dev.lanes.typed;

import static dev.lanes.typed.ScalarProbe.JSON;
import static dev.lanes.typed.ScalarProbe.answers;
import static dev.lanes.typed.ScalarProbe.query;
import static dev.lanes.typed.ScalarProbe.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code UUID} and {@code LocalDate} read, refused, documented and written as FastAPI 0.142.2
 * (pydantic 2.13) does for {@code UUID} and {@code date}; every expected body is FastAPI's answer
 * to the same request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatesAndUuidsTest {
  record Event(UUID id, LocalDate day) {}

  record Tally(Map<UUID, Integer> m, Map<LocalDate, Integer> d) {}

  static final class Routes {
    @Get("/uuid")
    Map<String, Object> uuid(@Query UUID v) {
      return Map.of("v", v);
    }

    @Get("/date")
    Map<String, Object> date(@Query LocalDate v) {
      return Map.of("v", v);
    }

    @Post("/event")
    Event event(@Body Event e) {
      return e;
    }

    @Get("/list")
    Map<String, Object> list(@Query List<LocalDate> d, @Query Optional<UUID> u) {
      return Map.of("d", d, "u", u.map(Object::toString).orElse("none"));
    }

    @Get("/items/{item_id}")
    Map<String, Object> item(@Path UUID itemId, @Header LocalDate xDay, @Cookie Optional<UUID> session) {
      return Map.of("item_id", itemId, "x_day", xDay, "session", session.orElseThrow());
    }

    @Post("/form")
    Map<String, Object> form(@FormField LocalDate day, @FormField List<UUID> ids) {
      return Map.of("day", day, "ids", ids);
    }

    @Post("/tally")
    Tally tally(@Body Tally t) {
      return t;
    }

    @Get("/defaults")
    Map<String, Object> defaults(@Query @Default("2024-01-02") LocalDate day,
                                 @Query @Default("12345678-1234-5678-1234-567812345678") UUID u) {
      return Map.of("day", day, "u", u);
    }
  }

  private static String uuidError(String input, String error) {
    return "{\"detail\":[{\"type\":\"uuid_parsing\",\"loc\":[\"query\",\"v\"],\"msg\":\"Input should be a valid UUID, "
        + error + "\",\"input\":" + JSON.valueToTree(input) + ",\"ctx\":{\"error\":\"" + error + "\"}}]}";
  }

  private static String dateError(String type, String input, String error) {
    String msg = type.equals("date_parsing") ? "Input should be a valid date in the format YYYY-MM-DD, "
        : "Input should be a valid date or datetime, ";
    return "{\"detail\":[{\"type\":\"" + type + "\",\"loc\":[\"query\",\"v\"],\"msg\":\"" + msg + error
        + "\",\"input\":" + JSON.valueToTree(input) + ",\"ctx\":{\"error\":\"" + error + "\"}}]}";
  }

  private static String inexact(String input) {
    return "{\"detail\":[{\"type\":\"date_from_datetime_inexact\",\"loc\":[\"query\",\"v\"],\"msg\":\"Datetimes"
        + " provided to dates should have zero time - e.g. be exact dates\",\"input\":" + JSON.valueToTree(input) + "}]}";
  }

  @Test
  void uuidsInEveryFormPydanticReads() throws Exception {
    String canonical = "{\"v\":\"12345678-1234-5678-1234-567812345678\"}";
    try (TestClient client = start(new Routes())) {
      for (String form : List.of("12345678-1234-5678-1234-567812345678", "12345678123456781234567812345678",
          "{12345678-1234-5678-1234-567812345678}", "urn:uuid:12345678-1234-5678-1234-567812345678",
          "12345678-1234-5678-1234-567812345678".toUpperCase())) {
        answers(query(client, "/uuid", form), 200, canonical);
      }
    }
  }

  @Test
  void badUuidsAreUuidParsingWithTheUuidCratesReason() throws Exception {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("12345678-1234-5678-1234-56781234567", "invalid group length in group 4: expected 12, found 11");
    refused.put("12345678-1234-5678-1234-5678123456789", "invalid group length in group 4: expected 12, found 13");
    refused.put("{12345678-1234-5678-1234-5678123456789}", "invalid group length in group 4: expected 12, found 15");
    refused.put("urn:uuid:12345678-1234-5678-1234-56781234567", "invalid group length in group 4: expected 12, found 20");
    refused.put("1234567-81234-5678-1234-567812345678", "invalid group length in group 0: expected 8, found 7");
    refused.put("12345678-1234-5678-1234", "invalid group count: expected 5, found 4");
    refused.put("12345678-1234-5678-1234-5678-12345678", "invalid group count: expected 5, found 6");
    refused.put("xyz", "invalid character: found `x` at 1");
    refused.put(" 12345678-1234-5678-1234-567812345678", "invalid character: found ` ` at 1");
    refused.put("12345678-1234-5678-1234-567812345678 ", "invalid character: found ` ` at 37");
    refused.put("12345678-1234-5678-1234-56781234567G", "invalid character: found `G` at 36");
    refused.put("12345678-1234-5678-1234-56781234567x8", "invalid character: found `x` at 36");
    refused.put("\u00e92345678-1234-5678-1234-567812345678", "invalid character: found `\u00e9` at 1");
    refused.put("{12345678-1234-5678-1234-567812345678", "invalid character: found `{` at 1");
    refused.put("URN:uuid:12345678-1234-5678-1234-567812345678", "invalid character: found `U` at 1");
    refused.put("", "invalid length: expected length 32 for simple format, found 0");
    refused.put("1234567812345678123456781234567", "invalid length: expected length 32 for simple format, found 31");
    try (TestClient client = start(new Routes())) {
      for (Map.Entry<String, String> e : refused.entrySet()) {
        answers(query(client, "/uuid", e.getKey()), 422, uuidError(e.getKey(), e.getValue()));
      }
    }
  }

  @Test
  void datesFromDatesMidnightDatetimesAndTimestamps() throws Exception {
    try (TestClient client = start(new Routes())) {
      for (String form : List.of("2024-01-02", "2024-01-02T00:00:00", "2024-01-02T00:00:00Z", "2024-01-02 00:00",
          "2024-01-02t00:00z", "2024-01-02_00:00", "2024-01-02T00:00:00.000+01:00", "2024-01-02T00:00:00+0100",
          "2024-01-02T00:00:00\u221201:00", "2024-01-02T00:00:00.000000001", "1704153600", "+1704153600",
          "1704153600000", "1704153600.0", "1704153600.", "1704153600.0000001")) {
        answers(query(client, "/date", form), 200, "{\"v\":\"2024-01-02\"}");
      }
      answers(query(client, "/date", "9999-12-31"), 200, "{\"v\":\"9999-12-31\"}");
    }
  }

  @Test
  void datesRefusedWithSpeedatesReason() throws Exception {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("2024-1-2", "input is too short");
    refused.put("", "input is too short");
    refused.put("x", "input is too short");
    refused.put("\u00e9", "input is too short");
    refused.put("1e3", "input is too short");
    refused.put("2024-01-02T", "input is too short");
    refused.put("2024-01-02T0000", "input is too short");
    refused.put("2024-02-30", "day value is outside expected range");
    refused.put("2024-01-32", "day value is outside expected range");
    refused.put("2024-13-01", "month value is outside expected range of 1-12");
    refused.put("2024/01/02", "invalid date separator, expected `-`");
    refused.put("2024-01x02", "invalid date separator, expected `-`");
    refused.put("99999999999999999999", "invalid date separator, expected `-`");
    refused.put("2024-01-02x", "invalid datetime separator, expected `T`, `t`, `_` or space");
    refused.put("2024-01-02\u00e9", "invalid datetime separator, expected `T`, `t`, `_` or space");
    refused.put(" 2024-01-02", "invalid character in year");
    refused.put("2024-0a-02", "invalid character in month");
    refused.put("2024-01-0a", "invalid character in day");
    refused.put("2024-01-02T25:00:00", "hour value is outside expected range of 0-23");
    refused.put("2024-01-02T00:60", "minute value is outside expected range of 0-59");
    refused.put("2024-01-02T00:00:60", "second value is outside expected range of 0-59");
    refused.put("2024-01-02T00:00:00.", "second fraction digits missing after `.`");
    refused.put("2024-01-02T00:00:00+01", "invalid timezone minute");
    refused.put("2024-01-02T00:00:00 ", "invalid timezone sign");
    refused.put("2024-01-02T00:00:00+01:60", "timezone minute value is outside expected range of 0-59");
    refused.put("2024-01-02T00:00:00+25:00", "timezone offset must be less than 24 hours");
    refused.put("-70000000000000", "dates before 0000 are not supported as unix timestamps");
    refused.put("300000000000000000", "dates after 9999 are not supported as unix timestamps");
    try (TestClient client = start(new Routes())) {
      for (Map.Entry<String, String> e : refused.entrySet()) {
        answers(query(client, "/date", e.getKey()), 422, dateError("date_from_datetime_parsing", e.getKey(), e.getValue()));
      }
      for (String notMidnight : List.of("2024-01-02T03:04:05", "20240102", "1704153601", "-1", ".5", "1704153600.5",
          "20000000000", "20000000001", "20000000000.5", "-62167219200")) {
        answers(query(client, "/date", notMidnight), 422, inexact(notMidnight));
      }
      // Java has a year 0, Python's date does not
      answers(query(client, "/date", "0000-01-01"), 422, dateError("date_parsing", "0000-01-01", "year 0 is out of range"));
      answers(query(client, "/date", "0000-01-01T00:00:00"), 422,
          dateError("date_parsing", "0000-01-01T00:00:00", "year 0 is out of range"));
    }
  }

  private static String event(String id, String day) {
    return "{\"id\":" + id + ",\"day\":" + day + "}";
  }

  private static final String ID = "\"12345678-1234-5678-1234-567812345678\"";

  @Test
  void jsonBodiesReadStringsAndTimestampsAndRefuseOtherTypes() throws Exception {
    String ok = "{\"id\":\"12345678-1234-5678-1234-567812345678\",\"day\":\"2024-01-02\"}";
    try (TestClient client = start(new Routes())) {
      answers(client.postJson("/event", event(ID, "\"2024-01-02\"")), 200, ok);
      answers(client.postJson("/event", event(ID, "1704153600")), 200, ok);
      answers(client.postJson("/event", event(ID, "1704153600.0")), 200, ok);
      answers(client.postJson("/event", event(ID, "\"1704153600\"")), 200, ok);
      answers(client.postJson("/event", event(ID, "0")), 200,
          "{\"id\":\"12345678-1234-5678-1234-567812345678\",\"day\":\"1970-01-01\"}");
      for (String bad : List.of("5", "true", "null", "[1]")) {
        answers(client.postJson("/event", event(bad, "\"2024-01-02\"")), 422,
            "{\"detail\":[{\"type\":\"uuid_type\",\"loc\":[\"body\",\"id\"],\"msg\":\"UUID input should be a string,"
                + " bytes or UUID object\",\"input\":" + bad + "}]}");
      }
      for (String bad : List.of("true", "null", "[1]", "{}")) {
        answers(client.postJson("/event", event(ID, bad)), 422,
            "{\"detail\":[{\"type\":\"date_type\",\"loc\":[\"body\",\"day\"],\"msg\":\"Input should be a valid date\","
                + "\"input\":" + bad + "}]}");
      }
      for (String bad : List.of("1704153601", "5", "-1.5", "20000000000.5")) {
        answers(client.postJson("/event", event(ID, bad)), 422,
            "{\"detail\":[{\"type\":\"date_from_datetime_inexact\",\"loc\":[\"body\",\"day\"],\"msg\":\"Datetimes"
                + " provided to dates should have zero time - e.g. be exact dates\",\"input\":" + bad + "}]}");
      }
      for (String[] bad : List.of(new String[] {"1e+20", "dates after 9999 are not supported as unix timestamps"},
          new String[] {"300000000000000000", "dates after 9999 are not supported as unix timestamps"},
          new String[] {"99999999999999999999", "dates after 9999 are not supported as unix timestamps"},
          new String[] {"-70000000000000", "dates before 0000 are not supported as unix timestamps"})) {
        TestResponse r = client.postJson("/event", event(ID, bad[0]));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/detail/0/type").asText()).isEqualTo("date_from_datetime_parsing");
        assertThat(r.json().at("/detail/0/ctx/error").asText()).isEqualTo(bad[1]);
        assertThat(r.json().at("/detail/0/input")).isEqualTo(JSON.readTree(bad[0]));
      }
      answers(client.postJson("/event", event("\"12345678-1234-5678-1234-5678123456789\"", "\"2024-01-02\"")), 422,
          "{\"detail\":[{\"type\":\"uuid_parsing\",\"loc\":[\"body\",\"id\"],\"msg\":\"Input should be a valid UUID,"
              + " invalid group length in group 4: expected 12, found 13\",\"input\":"
              + "\"12345678-1234-5678-1234-5678123456789\",\"ctx\":{\"error\":\"invalid group length in group 4:"
              + " expected 12, found 13\"}}]}");
    }
  }

  @Test
  void pathHeaderCookieFormListAndOptional() throws Exception {
    try (TestClient client = start(new Routes())) {
      TestResponse ok = client.send(client.request("/items/12345678123456781234567812345678")
          .header("x-day", "1704153600").header("Cookie", "session={12345678-1234-5678-1234-567812345678}"));
      answers(ok, 200, "{\"item_id\":\"12345678-1234-5678-1234-567812345678\",\"x_day\":\"2024-01-02\","
          + "\"session\":\"12345678-1234-5678-1234-567812345678\"}");
      TestResponse bad = client.send(client.request("/items/nope").header("x-day", "2024-01-02T03:04")
          .header("Cookie", "session=x"));
      answers(bad, 422, "{\"detail\":[{\"type\":\"uuid_parsing\",\"loc\":[\"path\",\"item_id\"],\"msg\":\"Input should"
          + " be a valid UUID, invalid character: found `n` at 1\",\"input\":\"nope\",\"ctx\":{\"error\":\"invalid"
          + " character: found `n` at 1\"}},{\"type\":\"date_from_datetime_inexact\",\"loc\":[\"header\",\"x-day\"],"
          + "\"msg\":\"Datetimes provided to dates should have zero time - e.g. be exact dates\",\"input\":"
          + "\"2024-01-02T03:04\"},{\"type\":\"uuid_parsing\",\"loc\":[\"cookie\",\"session\"],\"msg\":\"Input should"
          + " be a valid UUID, invalid character: found `x` at 1\",\"input\":\"x\",\"ctx\":{\"error\":\"invalid"
          + " character: found `x` at 1\"}}]}");

      answers(client.post("/form", "day=2024-01-02&ids=12345678-1234-5678-1234-567812345678"
              + "&ids=urn%3Auuid%3A12345678-1234-5678-1234-567812345678", "application/x-www-form-urlencoded"), 200,
          "{\"day\":\"2024-01-02\",\"ids\":[\"12345678-1234-5678-1234-567812345678\","
              + "\"12345678-1234-5678-1234-567812345678\"]}");
      answers(client.post("/form", "day=2024-02-30&ids=12345678-1234-5678-1234-567812345678&ids=1234",
              "application/x-www-form-urlencoded"), 422,
          "{\"detail\":[{\"type\":\"date_from_datetime_parsing\",\"loc\":[\"body\",\"day\"],\"msg\":\"Input should be"
              + " a valid date or datetime, day value is outside expected range\",\"input\":\"2024-02-30\",\"ctx\":"
              + "{\"error\":\"day value is outside expected range\"}},{\"type\":\"uuid_parsing\",\"loc\":[\"body\","
              + "\"ids\",1],\"msg\":\"Input should be a valid UUID, invalid length: expected length 32 for simple"
              + " format, found 4\",\"input\":\"1234\",\"ctx\":{\"error\":\"invalid length: expected length 32 for"
              + " simple format, found 4\"}}]}");

      answers(client.get("/list?d=2024-01-02&d=x&u=zz"), 422,
          "{\"detail\":[{\"type\":\"date_from_datetime_parsing\",\"loc\":[\"query\",\"d\",1],\"msg\":\"Input should be"
              + " a valid date or datetime, input is too short\",\"input\":\"x\",\"ctx\":{\"error\":\"input is too"
              + " short\"}},{\"type\":\"uuid_parsing\",\"loc\":[\"query\",\"u\"],\"msg\":\"Input should be a valid"
              + " UUID, invalid character: found `z` at 1\",\"input\":\"zz\",\"ctx\":{\"error\":\"invalid character:"
              + " found `z` at 1\"}}]}");
      answers(client.get("/defaults"), 200,
          "{\"day\":\"2024-01-02\",\"u\":\"12345678-1234-5678-1234-567812345678\"}");
    }
  }

  @Test
  void documentedAsFastApiDocumentsThem() throws Exception {
    try (TestClient client = start(new Routes())) {
      JsonNode doc = client.get("/openapi.json").json();
      assertThat(doc.at("/components/schemas/Event/properties")).isEqualTo(JSON.readTree(
          "{\"id\":{\"type\":\"string\",\"format\":\"uuid\",\"title\":\"Id\"},"
              + "\"day\":{\"type\":\"string\",\"format\":\"date\",\"title\":\"Day\"}}"));
      assertThat(doc.at("/paths/~1list/get/parameters")).isEqualTo(JSON.readTree(
          "[{\"name\":\"d\",\"in\":\"query\",\"required\":true,\"schema\":{\"type\":\"array\",\"items\":"
              + "{\"type\":\"string\",\"format\":\"date\"},\"title\":\"D\"}},{\"name\":\"u\",\"in\":\"query\","
              + "\"required\":false,\"schema\":{\"anyOf\":[{\"type\":\"string\",\"format\":\"uuid\"},{\"type\":"
              + "\"null\"}],\"title\":\"U\"}}]"));
      assertThat(doc.at("/paths/~1items~1{item_id}/get/parameters")).isEqualTo(JSON.readTree(
          "[{\"name\":\"item_id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"format\":"
              + "\"uuid\",\"title\":\"Item Id\"}},{\"name\":\"x-day\",\"in\":\"header\",\"required\":true,\"schema\":"
              + "{\"type\":\"string\",\"format\":\"date\",\"title\":\"X-Day\"}},{\"name\":\"session\",\"in\":\"cookie\","
              + "\"required\":false,\"schema\":{\"anyOf\":[{\"type\":\"string\",\"format\":\"uuid\"},{\"type\":"
              + "\"null\"}],\"title\":\"Session\"}}]"));
      assertThat(doc.at("/paths/~1defaults/get/parameters")).isEqualTo(JSON.readTree(
          "[{\"name\":\"day\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"string\",\"format\":\"date\","
              + "\"default\":\"2024-01-02\",\"title\":\"Day\"}},{\"name\":\"u\",\"in\":\"query\",\"required\":false,"
              + "\"schema\":{\"type\":\"string\",\"format\":\"uuid\",\"default\":"
              + "\"12345678-1234-5678-1234-567812345678\",\"title\":\"U\"}}]"));
    }
  }

  @Test
  void mapKeysAreReadAndDocumentedAsPydanticDoes() throws Exception {
    try (TestClient client = start(new Routes())) {
      answers(client.postJson("/tally", "{\"m\":{\"12345678123456781234567812345678\":2},\"d\":{\"2024-01-02\":1}}"), 200,
          "{\"m\":{\"12345678-1234-5678-1234-567812345678\":2},\"d\":{\"2024-01-02\":1}}");
      answers(client.postJson("/tally", "{\"m\":{\"zz\":1,\"12345678123456781234567812345678\":2},"
              + "\"d\":{\"2024-01-02\":1,\"x\":2}}"), 422,
          "{\"detail\":[{\"type\":\"uuid_parsing\",\"loc\":[\"body\",\"m\",\"zz\",\"[key]\"],\"msg\":\"Input should"
              + " be a valid UUID, invalid character: found `z` at 1\",\"input\":\"zz\",\"ctx\":{\"error\":\"invalid"
              + " character: found `z` at 1\"}},{\"type\":\"date_from_datetime_parsing\",\"loc\":[\"body\",\"d\",\"x\","
              + "\"[key]\"],\"msg\":\"Input should be a valid date or datetime, input is too short\",\"input\":\"x\","
              + "\"ctx\":{\"error\":\"input is too short\"}}]}");
      JsonNode tally = client.get("/openapi.json").json().at("/components/schemas/Tally/properties");
      assertThat(tally).isEqualTo(JSON.readTree("{\"m\":{\"additionalProperties\":{\"type\":\"integer\"},"
          + "\"propertyNames\":{\"format\":\"uuid\"},\"type\":\"object\",\"title\":\"M\"},\"d\":"
          + "{\"additionalProperties\":{\"type\":\"integer\"},\"propertyNames\":{\"format\":\"date\"},"
          + "\"type\":\"object\",\"title\":\"D\"}}"));
    }
  }
}
