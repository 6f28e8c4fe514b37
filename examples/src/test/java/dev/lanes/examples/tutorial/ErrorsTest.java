package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/09-errors.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorsTest {
  @Test
  void anHttpExceptionBecomesItsStatusDetailAndHeaders() {
    try (TestClient client = TestClient.start(Errors.app())) {
      assertThat(client.get("/items/foo").json()).isEqualTo(json("{'item': 'The Foo Wrestlers'}"));
      TestResponse missing = client.get("/items/bar");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json()).isEqualTo(json("{'detail': 'Item not found'}"));
      assertThat(missing.header("x-error")).contains("There goes my error");
    }
  }

  @Test
  void theAppsOwnExceptionHasItsOwnHandler() {
    try (TestClient client = TestClient.start(Errors.app())) {
      TestResponse teapot = client.get("/unicorns/yolo");
      assertThat(teapot.status()).isEqualTo(418);
      assertThat(teapot.json()).isEqualTo(json("{'message': 'Oops! yolo did something. There goes a rainbow...'}"));
      assertThat(client.get("/unicorns/sparkle").json()).isEqualTo(json("{'unicorn_name': 'sparkle'}"));
    }
  }

  @Test
  void validationErrorsAnswerAsTheAppSays() {
    try (TestClient client = TestClient.start(Errors.app())) {
      TestResponse bad = client.get("/numbers/three");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.header("content-type")).contains("text/plain; charset=utf-8");
      assertThat(bad.text())
          .isEqualTo("[path, n]: Input should be a valid integer, unable to parse string as an integer");
      assertThat(client.get("/numbers/3").json()).isEqualTo(json("{'n': 3}"));
    }
  }
}
