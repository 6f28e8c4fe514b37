package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FastAPI's open deadlock (fastapi#3205): a blocking dependency takes a connection from a small
 * pool while its request holds a thread token, and gives it back in a cleanup that needs a token
 * too. Once every token is held by a request waiting for a connection, the requests holding the
 * connections can never clean up: a design whose cleanup waits for a lane token hangs here for
 * ever. Lanes runs after-response cleanups on a virtual thread of their own, so with 2 tokens,
 * 2 connections and 200 concurrent requests (some abandoned mid-way) everything finishes and
 * every connection and token comes back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupCapacityTest {
  record Connection(int id) {}

  static final class Pool {
    final Semaphore free = new Semaphore(2);

    @Provides
    Provided<Connection> connection() throws InterruptedException {
      free.acquire(); // blocks in the lane, holding the request's token
      return Provided.of(new Connection(1), free::release);
    }
  }

  static final class Routes {
    @Get("/work")
    String work(Connection c) {
      return "used " + c.id();
    }
  }

  @Test
  void cleanupsNeverWaitForATokenSoASaturatedLaneStillDrains() {
    Pool pool = new Pool();
    TypedApi api = TypedApi.builder().provider(pool).controller(new Routes()).build();
    App app = api.install(App.builder()
        .lane(Lane.builder(Lanes.ENDPOINTS).capacity(2).maxWaiting(1000).maxQueueWait(Duration.ofMinutes(5))))
        .build();
    try (TestClient client = TestClient.start(app)) {
      List<CompletableFuture<TestResponse>> answered = new ArrayList<>();
      List<RawClient> abandoned = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        if (i % 10 == 5) { // one in ten leaves mid-way: queued, waiting for a connection or running
          RawClient raw = RawClient.connect(client.port());
          raw.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
          abandoned.add(raw);
        } else {
          answered.add(client.sendAsync(client.request("/work")));
        }
        if (i % 20 == 19) {
          abandoned.forEach(RawClient::close);
          abandoned.clear();
        }
      }
      abandoned.forEach(RawClient::close);
      for (CompletableFuture<TestResponse> f : answered) {
        TestResponse r = f.join();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("\"used 1\"");
      }
      assertThat(answered).hasSize(180);
      client.awaitIdle();
      Await.until(() -> pool.free.availablePermits() == 2, "every connection back in the pool");
      assertThat(app.lanes().get(Lanes.ENDPOINTS).statistics().borrowed()).isZero();
    }
  }
}
