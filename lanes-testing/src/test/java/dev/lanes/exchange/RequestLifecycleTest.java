package dev.lanes.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.Middleware;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request lifecycle every protocol shares: middleware and error mapping around every request, scope close order. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestLifecycleTest {
  private static final Middleware STAMP = next -> req -> next.call(req)
      .thenApply(r -> r.withHeader("X-Seen-By", "middleware"));

  @Test
  void middlewareWrapsUnroutedRequestsToo() {
    App app = App.builder().middleware(STAMP)
        .get("/items", req -> Response.text("items"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse found = client.get("/items");
      assertThat(found.status()).isEqualTo(200);
      assertThat(found.header("x-seen-by")).contains("middleware");

      TestResponse missing = client.get("/nope");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.header("x-seen-by")).contains("middleware");

      TestResponse wrongMethod = client.request("POST", "/items", new byte[0]);
      assertThat(wrongMethod.status()).isEqualTo(405);
      assertThat(wrongMethod.header("allow")).contains("GET, HEAD, OPTIONS");
      assertThat(wrongMethod.header("x-seen-by")).contains("middleware");

      TestResponse options = client.request("OPTIONS", "/items", new byte[0]);
      assertThat(options.status()).isEqualTo(204);
      assertThat(options.header("allow")).contains("GET, HEAD, OPTIONS");
      assertThat(options.header("x-seen-by")).contains("middleware"); // a CORS middleware can answer preflights
    }
  }

  @Test
  void exceptionHandlersSeeTheServersOwn404And405() {
    App app = App.builder()
        .get("/items", req -> Response.text("items"))
        .exceptionHandler(HttpException.class, e -> Response.json(java.util.Map.of("detail", e.getMessage()))
            .withStatus(e.status()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse missing = client.get("/nope");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("detail").asText()).isEqualTo("Not Found");
      TestResponse wrongMethod = client.request("DELETE", "/items", new byte[0]);
      assertThat(wrongMethod.status()).isEqualTo(405);
      assertThat(wrongMethod.json().get("detail").asText()).isEqualTo("Method Not Allowed");
    }
  }

  @Test
  void authMiddlewareAnswersBeforeTheRouterJudgesPathParameters() {
    Middleware apiKey = next -> req -> req.headers().first("X-API-Key").filter("secret"::equals).isPresent()
        ? next.call(req)
        : CompletableFuture.completedFuture(Response.text(401, "Invalid API key"));
    App app = App.builder().middleware(apiKey)
        .get("/items/{id:long}", req -> Response.text("item " + req.pathParams().getLong("id")))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/items/99999999999999999999").status()).isEqualTo(401);
      assertThat(client.get("/nope").status()).isEqualTo(401);
      assertThat(client.send(client.request("/items/7").header("X-API-Key", "secret")).text()).isEqualTo("item 7");
    }
  }

  @Test
  void theScopeClosesAfterTheLastByteAndAfterBackgroundTasksForEveryBodyKind() throws Exception {
    for (String path : List.of("/bytes", "/stream")) {
      CountDownLatch closed = new CountDownLatch(1);
      AtomicBoolean closedBeforeTask = new AtomicBoolean(true);
      CountDownLatch taskRan = new CountDownLatch(1);
      App app = App.builder()
          .get(path, req -> {
            AtomicBoolean scopeOpen = new AtomicBoolean(true);
            req.scope().onClose(() -> {
              scopeOpen.set(false);
              closed.countDown();
            });
            BackgroundTasks tasks = BackgroundTasks.create().add("check-scope", () -> {
              closedBeforeTask.set(!scopeOpen.get()); // e.g. an uploaded temp file must still be there
              taskRan.countDown();
            });
            Response r = path.equals("/bytes") ? Response.text("hello")
                : StreamingResponse.of(List.of("a", "b").iterator(), "text/plain");
            return r.withBackground(tasks);
          })
          .build();
      try (TestClient client = TestClient.start(app)) {
        assertThat(client.get(path).status()).as(path).isEqualTo(200);
        assertThat(taskRan.await(10, TimeUnit.SECONDS)).as(path).isTrue();
        assertThat(closed.await(10, TimeUnit.SECONDS)).as(path).isTrue();
        assertThat(closedBeforeTask).as(path + ": scope closed before its background task ran").isFalse();
      }
    }
  }
}
