package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A record that checks its values in its compact constructor, the Java way to write pydantic's
 * model validator: an {@code IllegalArgumentException} there is pydantic's {@code value_error}
 * (422, {@code "Value error, " + message}, at the record, its input the record's object), as
 * FastAPI answers a {@code ValueError} raised by a validator, wherever the record is read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordConstructorCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Range(int lo, int hi) {
    Range {
      if (lo > hi) {
        throw new IllegalArgumentException("lo must not exceed hi");
      }
    }
  }

  record Plan(String name, Range range, List<Range> more) {}

  record Broken(int n) {
    Broken {
      if (n < 0) {
        throw new IllegalStateException("a bug, not the client's input");
      }
    }
  }

  static final class Routes {
    @Post("/range")
    Range range(@Body Range r) {
      return r;
    }

    @Post("/plan")
    Plan plan(@Body Plan p, @Query int n) {
      return p;
    }

    @Post("/form-range")
    Range formRange(@FormField Range r) {
      return r;
    }

    @Post("/broken")
    Broken broken(@Body Broken b) {
      return b;
    }
  }

  private static TestClient start() {
    TypedApi api = TypedApi.builder().controller(new Routes()).build();
    return TestClient.start(api.install(App.builder()).build());
  }

  @Test
  void anIllegalArgumentFromTheConstructorIsPydanticsValueError() throws Exception {
    try (TestClient client = start()) {
      TestResponse ok = client.postJson("/range", "{\"lo\":1,\"hi\":2}");
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);

      TestResponse r = client.postJson("/range", "{\"lo\":5,\"hi\":1}");
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      assertThat(r.json()).isEqualTo(JSON.readTree("{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\"],"
          + "\"msg\":\"Value error, lo must not exceed hi\",\"input\":{\"lo\":5,\"hi\":1},\"ctx\":{\"error\":{}}}]}"));
    }
  }

  /** Nested and in a list, at the record's own place, reported with every other error of the request. */
  @Test
  void aNestedRecordsRefusalIsReportedWhereItIsWithTheOtherErrors() {
    try (TestClient client = start()) {
      TestResponse r = client.postJson("/plan?n=x",
          "{\"name\":\"p\",\"range\":{\"lo\":3,\"hi\":2},\"more\":[{\"lo\":0,\"hi\":0},{\"lo\":9,\"hi\":1}]}");
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      JsonNode detail = r.json().get("detail");
      assertThat(detail.findValuesAsText("type")).containsExactly("int_parsing", "value_error", "value_error");
      assertThat(detail.get(1).get("loc").toString()).isEqualTo("[\"body\",\"range\"]");
      assertThat(detail.get(1).get("input").toString()).isEqualTo("{\"lo\":3,\"hi\":2}");
      assertThat(detail.get(2).get("loc").toString()).isEqualTo("[\"body\",\"more\",1]");
    }
  }

  @Test
  void aFormRecordsRefusalIsAValueErrorToo() {
    try (TestClient client = start()) {
      TestResponse r = client.post("/form-range", "lo=4&hi=3", "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      assertThat(r.json().at("/detail/0/type").asText()).isEqualTo("value_error");
      assertThat(r.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\"]");
    }
  }

  /** Any other exception is the record's own failure, not the client's: a 500, as a handler's bug is. */
  @Test
  void anyOtherExceptionStaysAServerError() {
    try (TestClient client = start()) {
      TestResponse r = client.postJson("/broken", "{\"n\":-1}");
      assertThat(r.status()).as(r.text()).isEqualTo(500);
    }
  }
}
