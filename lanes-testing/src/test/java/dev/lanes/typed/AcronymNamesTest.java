package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java names with an acronym in capitals ({@code xRequestID}, {@code getHTTPStatus}) take the
 * snake_case a Python name would have ({@code x_request_id}, {@code get_http_status}), not a letter
 * each ({@code x_request_i_d}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcronymNamesTest {
  record Org(long id) {}

  record Member(String userID, String displayName) {}

  static final class Orgs {
    @Provides
    Org org(@Path long orgID) {
      return new Org(orgID);
    }
  }

  static final class Routes {
    @Get("/orgs/{org_id}/status")
    String getHTTPStatus(Org org, @Header String xRequestID) {
      return org.id() + " " + xRequestID;
    }

    @Get("/keyed")
    String keyed(@Header("X-API-Key") String key) {
      return key;
    }

    @Post("/members")
    String add(@Body Member m) {
      return m.userID();
    }
  }

  @Test
  void acronymsAreOneWordInSnakeCaseNames() {
    TypedApi api = TypedApi.builder().provider(new Orgs()).controller(new Routes()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse r = client.send(client.request("/orgs/7/status").header("X-Request-ID", "r1"));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("\"7 r1\"");
      JsonNode op = client.get("/openapi.json").json().at("/paths/~1orgs~1{org_id}~1status/get");
      assertThat(op.get("operationId").asText()).isEqualTo("get_http_status_orgs__org_id__status_get");
      assertThat(op.get("summary").asText()).isEqualTo("Get Http Status");
      JsonNode member = client.get("/openapi.json").json().at("/components/schemas/Member/properties");
      assertThat(member.at("/userID/title").asText()).isEqualTo("User Id"); // pydantic's for user_id
      assertThat(member.at("/displayName/title").asText()).isEqualTo("Display Name");
      JsonNode key = client.get("/openapi.json").json().at("/paths/~1keyed/get/parameters/0");
      assertThat(key.get("name").asText()).isEqualTo("X-API-Key");
      assertThat(key.at("/schema/title").asText()).isEqualTo("X-Api-Key"); // FastAPI's for Header(alias="X-API-Key")
    }
  }
}
