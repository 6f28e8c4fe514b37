package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a path parameter holds after the server percent-decodes the request path. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PathDecodingTest {
  private static TestClient client;

  @BeforeAll
  static void start() {
    client = TestClient.start(App.builder()
        .get("/files/{name}", req -> Response.text(req.pathParams().get("name")))
        .build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void plusIsALiteralPlusInAPathEvenNextToAnEscape() {
    assertThat(client.get("/files/a+b%20c").text()).isEqualTo("a+b c");
    assertThat(client.get("/files/a+b").text()).isEqualTo("a+b");
    assertThat(client.get("/files/a%2Bb").text()).isEqualTo("a+b");
  }
}
