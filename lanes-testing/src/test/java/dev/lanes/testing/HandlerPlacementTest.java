package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each kind of handler runs where its type says, and lanes show the load while it runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandlerPlacementTest {

  @Test
  void eachHandlerKindRunsWhereItShould() {
    Map<String, String> seen = new ConcurrentHashMap<>();
    App app = App.builder()
        .get("/blocking", req -> {
          seen.put("blocking", Thread.currentThread().getName());
          seen.put("blocking-virtual", String.valueOf(Thread.currentThread().isVirtual()));
          return Response.text("ok");
        })
        .getAsync("/async", req -> {
          seen.put("async", Thread.currentThread().getName());
          return CompletableFuture.completedFuture(Response.text("ok"));
        })
        .route("GET", "/reports", "reports", req -> {
          seen.put("reports", Thread.currentThread().getName());
          return Response.text("ok");
        })
        .postAsync("/run-blocking", req -> Concurrency.runBlocking(req.lanes().get(Lanes.BLOCKING), () -> {
          seen.put("run-blocking", Thread.currentThread().getName());
          return "x";
        }).thenApply(x -> {
          seen.put("after-run-blocking", Thread.currentThread().getName());
          return Response.text(x);
        }))
        .getAsync("/sleep", req -> Concurrency.sleep(Duration.ofMillis(5)).thenApply(v -> {
          seen.put("after-sleep", Thread.currentThread().getName());
          return Response.text("slept");
        }))
        .lane(Lane.builder("reports").capacity(2))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/blocking").status()).isEqualTo(200);
      assertThat(client.get("/async").status()).isEqualTo(200);
      assertThat(client.get("/reports").status()).isEqualTo(200);
      assertThat(client.post("/run-blocking", "", "text/plain").text()).isEqualTo("x");
      assertThat(client.get("/sleep").text()).isEqualTo("slept");
    }
    assertThat(seen.get("blocking")).startsWith("lane-endpoints");
    assertThat(seen.get("blocking-virtual")).isEqualTo("true");
    assertThat(seen.get("async")).startsWith("lanes-loop-");
    assertThat(seen.get("reports")).isEqualTo("lane-reports");
    assertThat(seen.get("run-blocking")).startsWith("lane-blocking");
    assertThat(seen.get("after-run-blocking")).startsWith("lanes-loop-"); // resumed on the loop
    assertThat(seen.get("after-sleep")).startsWith("lanes-loop-");
  }

  @Test
  void endpointsLaneCountsEveryBlockingRequestWhileItRuns() throws Exception {
    int n = 20;
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/wait", req -> {
          release.await();
          return Response.text("done");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      Lane endpoints = app.lanes().get(Lanes.ENDPOINTS);
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(client.sendAsync(client.request("/wait").GET()));
      }
      LaneStatistics during = Await.value(endpoints::statistics, s -> s.borrowed() == n,
          "all requests in the lane");
      assertThat(during.borrowed()).isEqualTo(n);
      assertThat(during.waiting()).isZero();
      assertThat(during.available()).isEqualTo(Lanes.HANDLER_LANE_MAX - n);
      assertThat(client.server().inFlight()).isEqualTo(n);

      release.countDown();
      for (CompletableFuture<TestResponse> f : pending) {
        TestResponse r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("done");
      }
      Await.value(endpoints::statistics, s -> s.borrowed() == 0 && s.completed() == n, "tokens back");
      assertThat(client.server().inFlight()).isZero();
    }
  }

  @Test
  void aSmallNamedLaneQueuesTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .route("GET", "/report", "reports", req -> {
          release.await();
          return Response.text("report");
        })
        .get("/other", req -> Response.text("other"))
        .lane(Lane.builder("reports").capacity(3))
        .build();
    try (TestClient client = TestClient.start(app)) {
      Lane reports = app.lanes().get("reports");
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        pending.add(client.sendAsync(client.request("/report").GET()));
      }
      client.awaitWaiting("reports", 5);
      Await.value(reports::statistics, s -> s.borrowed() == 3, "3 running");
      // a full reports lane does not hold up other endpoints
      assertThat(client.get("/other").text()).isEqualTo("other");
      assertThat(reports.statistics().borrowed()).isEqualTo(3);
      assertThat(reports.statistics().waiting()).isEqualTo(5);

      release.countDown();
      for (CompletableFuture<TestResponse> f : pending) {
        assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      client.awaitIdle();
      Await.value(reports::statistics, s -> s.completed() == 8, "all 8 reports counted");
    }
  }

  @Test
  void aLaneResizedAtRuntimeAdmitsQueuedRequests() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .route("GET", "/r", "narrow", req -> {
          release.await();
          return Response.text("r");
        })
        .lane(Lane.builder("narrow").capacity(1))
        .build();
    try (TestClient client = TestClient.start(app)) {
      Lane lane = app.lanes().get("narrow");
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pending.add(client.sendAsync(client.request("/r").GET()));
      }
      Await.until(() -> lane.statistics().borrowed() == 1 && lane.statistics().waiting() == 3, "1 running, 3 queued");
      lane.resize(4);
      Await.until(() -> lane.statistics().borrowed() == 4 && lane.statistics().waiting() == 0, "all admitted");
      release.countDown();
      for (CompletableFuture<TestResponse> f : pending) {
        assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    }
  }
}
