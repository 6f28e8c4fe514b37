package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A typed handler's {@code BackgroundTasks} parameter and the background tasks of the
 * {@code Response} it returns both run, after the response is sent, the parameter's first (as
 * FastAPI merges them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedBackgroundTest {
  static final class Both {
    final List<String> ran = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch ranAll;

    Both(int expected) {
      ranAll = new CountDownLatch(expected);
    }

    @Get("/blocking")
    Response blocking(BackgroundTasks tasks) {
      tasks.add("parameter", () -> run("parameter"));
      return Response.text("sent").withBackground(BackgroundTasks.create().add("returned", () -> run("returned")));
    }

    @Get("/async")
    CompletionStage<Response> async(BackgroundTasks tasks) {
      tasks.add("parameter", () -> run("parameter"));
      return CompletableFuture.completedFuture(Response.text("sent")
          .withBackground(BackgroundTasks.create().add("returned", () -> run("returned"))));
    }

    @Get("/returned-only")
    Response returnedOnly(BackgroundTasks unused) {
      return Response.text("sent").withBackground(BackgroundTasks.create().add("returned", () -> run("returned")));
    }

    private void run(String name) throws InterruptedException {
      release.await(); // the response must not wait for this
      ran.add(name);
      ranAll.countDown();
    }
  }

  @Test
  void aBlockingHandlersParameterTasksAndItsResponsesTasksBothRunInOrder() throws Exception {
    check("/blocking", List.of("parameter", "returned"));
  }

  @Test
  void anAsyncHandlersParameterTasksAndItsResponsesTasksBothRunInOrder() throws Exception {
    check("/async", List.of("parameter", "returned"));
  }

  @Test
  void aResponsesTasksRunWhenTheParameterGotNone() throws Exception {
    check("/returned-only", List.of("returned"));
  }

  private static void check(String path, List<String> expected) throws Exception {
    Both both = new Both(expected.size());
    App app = TypedApi.builder().controller(both).build().install(App.builder()).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get(path).text()).as("sent while the tasks wait").isEqualTo("sent");
      assertThat(both.ran).isEmpty();
      both.release.countDown();
      assertThat(both.ranAll.await(10, TimeUnit.SECONDS)).as("every task ran").isTrue();
      assertThat(both.ran).containsExactlyElementsOf(expected);
    }
  }
}
