package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.observe.PinnedThread;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordingListenerTest {

  @Test
  void recordsEachEventAsItsDocumentedLine() {
    RecordingListener r = RecordingListener.create();
    LanesListener l = r;
    l.requestStart("GET", "/items/7");
    l.laneWaitStart("endpoints");
    l.laneRejected("endpoints", LaneRejectedException.Reason.QUEUE_FULL);
    l.laneTaskEnd("endpoints", TaskOutcome.COMPLETED, Duration.ofMillis(3));
    l.requestEnd("GET /items/{id}", "GET", 503, Duration.ofMillis(4));
    l.responseBodyEnd("GET /items/{id}", "GET", true, Duration.ofMillis(5));
    l.backgroundTaskEnd("mail", "GET /items/7", TaskOutcome.COMPLETED, Duration.ZERO);
    l.virtualThreadPinned(new PinnedThread("lane-db-1", Duration.ofMillis(30), List.of()));
    assertThat(r.events()).containsExactly(
        "requestStart GET /items/7",
        "waitStart endpoints",
        "rejected endpoints QUEUE_FULL",
        "taskEnd endpoints completed",
        "requestEnd GET /items/{id} 503",
        "bodyEnd GET /items/{id} true",
        "backgroundEnd mail completed",
        "pinned lane-db-1");
    assertThat(r.pinnedThreads()).extracting(PinnedThread::thread).containsExactly("lane-db-1");
  }

  @Test
  void sinceLeavesOutEventsNoRequestCaused() {
    RecordingListener r = RecordingListener.create();
    r.lifespan(LifespanPhase.STARTED);
    int mark = r.mark();
    r.requestStart("GET", "/a");
    r.eventLoopLatency("lanes-loop-0", Duration.ofMillis(1));
    r.lifespan(LifespanPhase.STOPPING);
    r.requestEnd("GET /a", "GET", 200, Duration.ZERO);
    assertThat(r.since(mark)).containsExactly("requestStart GET /a", "requestEnd GET /a 200");
    assertThat(r.events()).hasSize(5);
    assertThatThrownBy(() -> r.since(6)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void awaitReturnsWhenAnotherThreadRecordsTheEvent() throws Exception {
    RecordingListener r = RecordingListener.create();
    CountDownLatch go = new CountDownLatch(1);
    Thread loop = Thread.ofVirtual().start(() -> {
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 3; i++) {
        r.laneAcquired("db", Duration.ZERO);
      }
      r.laneTaskStart("db");
    });
    go.countDown();
    r.await("taskStart db");
    r.awaitCount("acquired db", 3);
    assertThat(r.await(e -> e.startsWith("acquired "))).isEqualTo("acquired db");
    loop.join();
  }

  @Test
  void aCountBelowOneIsRefused() {
    assertThatThrownBy(() -> RecordingListener.create().awaitCount("x", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
