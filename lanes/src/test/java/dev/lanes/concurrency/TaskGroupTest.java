package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskGroupTest {

  @Test
  void joinWaitsForEveryTask() {
    try (Lane lane = Lane.builder("g").capacity(4).build(); TaskGroup group = TaskGroup.in(lane)) {
      var a = group.start(() -> 1);
      var b = group.start(() -> 2);
      group.join();
      assertThat(a.join() + b.join()).isEqualTo(3);
    }
  }

  @Test
  void firstFailureCancelsTheOthersAndIsRethrown() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    try (Lane lane = Lane.builder("g").capacity(4).build(); TaskGroup group = TaskGroup.in(lane)) {
      group.start(() -> {
        running.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        return null;
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      group.start(() -> {
        throw new IllegalArgumentException("bad input");
      });
      assertThatThrownBy(group::join).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("sibling interrupted").isTrue();
      assertThatThrownBy(() -> group.start(() -> 1)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closingCancelsWhatIsStillRunningAndTokensComeBack() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Lane lane = Lane.builder("g").capacity(1).build();
    try (TaskGroup group = TaskGroup.in(lane)) {
      group.start(() -> {
        running.countDown();
        Thread.sleep(Duration.ofMinutes(5));
        return null;
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    }
    try (Permit p = lane.limiter().acquire(Duration.ofSeconds(10))) {
      assertThat(p.isHeld()).isTrue();
    }
    assertThat(lane.limiter().borrowed()).isZero();
    lane.close();
  }

  @Test
  void closeWaitsUntilCancelledTasksHaveActuallyStopped() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    try (Lane lane = Lane.builder("g").capacity(2).build()) {
      TaskGroup group = TaskGroup.in(lane);
      group.start(() -> {
        running.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          // unwinding takes a while (closing a connection, say): close() must wait for it
          long end = System.nanoTime() + Duration.ofMillis(100).toNanos();
          while (System.nanoTime() < end) {
            Thread.onSpinWait();
          }
          stopped.set(true);
        }
        return null;
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      group.close();
      assertThat(stopped).as("task finished unwinding before close returned").isTrue();
    }
  }
}
