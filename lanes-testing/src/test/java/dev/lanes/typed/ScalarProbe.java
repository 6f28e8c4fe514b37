package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the scalar-type tests share: a server for one controller, a query of one value, an exact answer. */
final class ScalarProbe {
  static final ObjectMapper JSON = new ObjectMapper();

  private ScalarProbe() {}

  /** A server for {@code controller}'s typed routes alone. */
  static TestClient start(Object controller) {
    return TestClient.start(TypedApi.builder().controller(controller).build().install(App.builder()).build());
  }

  /** GET {@code path?v=value}, the value percent-encoded. */
  static TestResponse query(TestClient client, String path, String value) {
    return client.get(path + "?v=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** The answer is {@code status} with exactly {@code json} (FastAPI's answer to the same request). */
  static void answers(TestResponse r, int status, String json) throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json()).isEqualTo(JSON.readTree(json));
  }
}
