package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hello-world routes and the root page, alone on an app. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HelloRoutesTest {

  @Test
  void helloWorldInTextAndJson() {
    try (TestClient client = TestClient.start(HelloRoutes.addTo(App.builder()).build())) {
      TestResponse plain = client.get("/plaintext");
      assertThat(plain.text()).isEqualTo("Hello, World!");
      assertThat(plain.header("content-type")).contains("text/plain; charset=utf-8");

      TestResponse json = client.get("/json");
      assertThat(json.text()).isEqualTo("{\"message\":\"Hello, World!\"}");
      assertThat(json.header("content-type")).contains("application/json");
    }
  }

  @Test
  void theRootPageCountsWhatIsSentToIt() {
    try (TestClient client = TestClient.start(HelloRoutes.addTo(App.builder()).build())) {
      assertThat(client.get("/").text()).isEqualTo("Lanes demo");
      assertThat(client.post("/", "hello", "text/plain").text()).isEqualTo("received 5 bytes");
      byte[] body = "0123456789".repeat(100).getBytes(StandardCharsets.UTF_8);
      assertThat(client.request("PUT", "/", body).text()).isEqualTo("received 1000 bytes");
    }
  }
}
