package dev.lanes.examples.tutorial;

import static dev.lanes.examples.tutorial.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/tutorial/06-dependencies.md claims. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DependenciesTest {
  @Test
  void routesShareTheQueryParametersOfADependency() {
    try (TestClient client = TestClient.start(Dependencies.app(new Dependencies.Database()))) {
      assertThat(client.get("/users?q=a&skip=1").json()).isEqualTo(json("{'q': 'a', 'skip': 1, 'limit': 100}"));
      assertThat(client.get("/items?q=Plumbus").json()).isEqualTo(json("['Plumbus']"));
      assertThat(client.get("/items?skip=1&limit=1").json()).isEqualTo(json("['Plumbus']"));
      TestResponse bad = client.get("/items?limit=many");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json().at("/detail/0/loc")).isEqualTo(json("['query', 'limit']"));
    }
  }

  @Test
  void everySessionOpenedIsClosedAfterItsResponse() {
    Dependencies.Database db = new Dependencies.Database();
    try (TestClient client = TestClient.start(Dependencies.app(db))) {
      for (int i = 0; i < 5; i++) {
        assertThat(client.get("/items").status()).isEqualTo(200);
      }
      Await.until(() -> db.open.get() == 0, "every session closed");
      assertThat(db.opened.get()).isEqualTo(5); // one per request, shared by the repository and the route
    }
  }

  @Test
  void requiresChecksTheHeaderBeforeTheRoute() {
    Dependencies.Database db = new Dependencies.Database();
    try (TestClient client = TestClient.start(Dependencies.app(db))) {
      TestResponse missing = client.get("/secret-items");
      assertThat(missing.status()).isEqualTo(422);
      assertThat(missing.json().at("/detail/0/loc")).isEqualTo(json("['header', 'x-token']"));
      TestResponse wrong = client.send(client.request("/secret-items").header("X-Token", "nope"));
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.json()).isEqualTo(json("{'detail': 'X-Token header invalid'}"));
      TestResponse right = client.send(client.request("/secret-items").header("X-Token", "fake-super-secret-token"));
      assertThat(right.json()).isEqualTo(json("['Portal Gun', 'Plumbus', 'Meeseeks Box']"));
      Await.until(() -> db.open.get() == 0, "sessions closed after 422 and 400 too");
    }
  }

  @Test
  void theDocumentShowsTheDependenciesParameters() {
    try (TestClient client = TestClient.start(Dependencies.app(new Dependencies.Database()))) {
      assertThat(client.get("/openapi.json").json().at("/paths/~1secret-items/get/parameters").findValuesAsText("name"))
          .containsExactly("x-token", "q", "skip", "limit");
    }
  }
}
