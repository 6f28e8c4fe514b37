package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The statistics (and the dashboard's snapshot) say exactly what load the test put on a lane. */
class LaneStatisticsUnderLoadTest {

  @Test
  void nBlockedRequestsBorrowNTokensAndTheRestWait() throws Exception {
    int capacity = 4;
    int requests = 7;
    CountDownLatch entered = new CountDownLatch(capacity);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("work").capacity(capacity))
        .route("GET", "/work", "work", req -> {
          entered.countDown();
          release.await();
          return Response.text("ok");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        pending.add(client.sendAsync(client.request("/work")));
      }
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      Lane lane = app.lanes().get("work");
      Await.until(() -> lane.statistics().waiting() == requests - capacity, "3 requests queued");
      LaneStatistics during = lane.statistics();
      assertThat(during.borrowed()).isEqualTo(capacity);
      assertThat(during.available()).isZero();
      assertThat(during.waiting()).isEqualTo(requests - capacity);
      assertThat(during.granted()).isEqualTo(capacity);
      assertThat(during.completed()).isZero();

      var snapshot = client.get("/_lanes/snapshot");
      assertThat(snapshot.status()).isEqualTo(404); // not mounted here: statistics need no dashboard

      release.countDown();
      for (CompletableFuture<TestResponse> r : pending) {
        assertThat(r.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      LaneStatistics after = lane.statistics();
      assertThat(after.borrowed()).isZero();
      assertThat(after.waiting()).isZero();
      assertThat(after.completed()).isEqualTo(requests);
      assertThat(after.granted()).isEqualTo(requests);
      assertThat(after.p99QueueWait()).isGreaterThanOrEqualTo(after.p50QueueWait());
      assertThat(after.maxQueueWait()).isPositive();
    }
  }

  @Test
  void theDashboardSnapshotShowsTheSameNumbers() throws Exception {
    int blocked = 5;
    CountDownLatch entered = new CountDownLatch(blocked);
    CountDownLatch release = new CountDownLatch(1);
    App.Builder builder = App.builder().get("/block", req -> {
      entered.countDown();
      release.await();
      return Response.text("ok");
    });
    LanesDashboard.mount(builder::getAsync, "/_lanes");
    App app = builder.build();
    try (TestClient client = TestClient.start(app)) {
      List<CompletableFuture<TestResponse>> pending = new ArrayList<>();
      for (int i = 0; i < blocked; i++) {
        pending.add(client.sendAsync(client.request("/block")));
      }
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      var lanes = client.get("/_lanes/snapshot").json().get("lanes");
      var endpoints = lanes.get(0);
      assertThat(endpoints.get("name").asText()).isEqualTo("endpoints");
      assertThat(endpoints.get("borrowed").asInt()).isEqualTo(blocked);
      assertThat(endpoints.get("capacity").asInt()).isEqualTo(Lanes.HANDLER_LANE_MAX);
      assertThat(endpoints.get("waiting").asInt()).isZero();
      release.countDown();
      for (CompletableFuture<TestResponse> r : pending) {
        assertThat(r.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    }
  }
}
