package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /**
   * join() wakes when allOf(tasks) completes, which the failing task's completion triggers before
   * the group's own failure callback (registered first, run last) has recorded firstFailure; join
   * then sees no failure and returns normally: the failure is lost.
   */
  @Test
  void joinRethrowsTheFailureOfTheLastTaskToEnd() throws Exception {
    int swallowed = 0;
    int rounds = 300;
    try (Lane lane = Lane.builder("g").capacity(4).build()) {
      for (int i = 0; i < rounds; i++) {
        CountDownLatch go = new CountDownLatch(1);
        TaskGroup group = TaskGroup.in(lane);
        group.start(() -> {
          go.await();
          throw new IllegalArgumentException("bad input");
        });
        Thread joiner = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
          // let the joiner park in join() before the task fails
          Await.until("joiner parked", () -> joiner.getState() == Thread.State.WAITING);
          go.countDown();
        });
        try {
          group.join();
          swallowed++;
        } catch (CompletionException expected) {
          assertThat(expected).hasCauseInstanceOf(IllegalArgumentException.class);
        }
        group.close();
      }
    }
    assertThat(swallowed).as("joins (of %d) that returned normally although the task failed", rounds)
        .isZero();
  }

  /** Same defect, deterministic: a caller's own callback on the task delays the group's callback. */
  @Test
  void joinRethrowsAFailureEvenWhenTheCallerChainedOnTheTask() throws Exception {
    try (Lane lane = Lane.builder("g").capacity(4).build()) {
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch joinReturned = new CountDownLatch(1);
      TaskGroup group = TaskGroup.in(lane);
      CompletableFuture<Object> task = group.start(() -> {
        go.await();
        throw new IllegalArgumentException("bad input");
      });
      // e.g. logging the error; bounded so that correct code does not deadlock here
      task.whenComplete((v, e) -> {
        try {
          joinReturned.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      });
      Thread joiner = Thread.currentThread();
      Thread.ofVirtual().start(() -> {
        Await.until("joiner parked", () -> joiner.getState() == Thread.State.WAITING);
        go.countDown();
      });
      try {
        assertThatThrownBy(group::join).isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(IllegalArgumentException.class);
      } finally {
        joinReturned.countDown();
        group.close();
      }
    }
  }

  /** join() waits for a task that another task of the group starts while join() waits. */
  @Test
  void joinWaitsForATaskStartedByAnotherTaskOfTheGroup() throws Exception {
    try (Lane lane = Lane.builder("g").capacity(4).build()) {
      CountDownLatch parentGo = new CountDownLatch(1);
      CountDownLatch childRelease = new CountDownLatch(1);
      AtomicBoolean childDone = new AtomicBoolean();
      TaskGroup group = TaskGroup.in(lane);
      CompletableFuture<String> parent = group.start(() -> {
        parentGo.await();
        group.start(() -> {
          childRelease.await();
          childDone.set(true);
          return "child";
        });
        return "parent";
      });
      Thread joiner = Thread.currentThread();
      Thread.ofVirtual().start(() -> {
        Await.until("joiner parked", () -> joiner.getState() == Thread.State.WAITING);
        parentGo.countDown();
        // The child ends only once the parent has and the joiner waits again: a join() that
        // returned when the tasks it saw at entry ended reads childDone false.
        Await.until("parent done, joiner waiting", () -> parent.isDone() && joiner.getState() == Thread.State.WAITING);
        childRelease.countDown();
      });
      group.join();
      boolean doneAtJoin = childDone.get();
      childRelease.countDown();
      group.close();
      assertThat(doneAtJoin).as("the child task had ended when join() returned").isTrue();
    }
  }
  /**
   * A task that closes its own group (the first result wins, say) cancels the others and goes on:
   * close() cannot wait for the task that calls it.
   */
  @Test
  void aTaskClosingItsOwnGroupStopsTheOthersAndKeepsItsResult() throws Exception {
    CountDownLatch siblingRunning = new CountDownLatch(1);
    CountDownLatch siblingInterrupted = new CountDownLatch(1);
    CountDownLatch closeReturned = new CountDownLatch(1);
    try (Lane lane = Lane.builder("g").capacity(4).build()) {
      TaskGroup group = TaskGroup.in(lane);
      group.start(() -> {
        siblingRunning.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          siblingInterrupted.countDown();
        }
        return null;
      });
      assertThat(siblingRunning.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> winner = group.start(() -> {
        group.close();
        closeReturned.countDown();
        return "first";
      });
      assertThat(closeReturned.await(10, TimeUnit.SECONDS)).as("close() returned inside the task").isTrue();
      assertThat(siblingInterrupted.await(10, TimeUnit.SECONDS)).as("sibling interrupted").isTrue();
      assertThat(winner.get(10, TimeUnit.SECONDS)).isEqualTo("first");
      group.close();
    }
  }

  /** A task that joins its own group (a parent waiting for the children it started) waits for the others only. */
  @Test
  void aTaskJoiningItsOwnGroupWaitsForTheOthers() throws Exception {
    CountDownLatch childRelease = new CountDownLatch(1);
    AtomicBoolean childDone = new AtomicBoolean();
    try (Lane lane = Lane.builder("g").capacity(4).build()) {
      TaskGroup group = TaskGroup.in(lane);
      CompletableFuture<Boolean> parent = group.start(() -> {
        group.start(() -> {
          childRelease.await();
          childDone.set(true);
          return null;
        });
        childRelease.countDown();
        group.join();
        return childDone.get();
      });
      assertThat(parent.get(10, TimeUnit.SECONDS)).as("child ended before the parent's join returned").isTrue();
      group.join();
      group.close();
    }
  }
  /**
   * join() waited with CompletableFuture.join(), which ignores interrupts: a blocking handler
   * whose client left (its thread interrupted) kept waiting in join() for tasks nobody wanted,
   * holding their tokens. An interrupted join cancels the group, waits until its tasks stopped,
   * keeps the interrupt and throws CancellationException.
   */
  @Test
  void anInterruptedJoinCancelsTheGroupAndKeepsTheInterrupt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch taskInterrupted = new CountDownLatch(1);
    try (Lane lane = Lane.builder("g").capacity(1).build()) {
      TaskGroup group = TaskGroup.in(lane);
      group.start(() -> {
        running.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          taskInterrupted.countDown();
        }
        return null;
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread joiner = Thread.ofVirtual().start(() -> {
        try {
          group.join();
          thrown.complete(null);
        } catch (Throwable t) {
          stillInterrupted.set(Thread.currentThread().isInterrupted());
          thrown.complete(t);
        }
      });
      Await.until("the joiner waits", () -> joiner.getState() == Thread.State.WAITING);
      joiner.interrupt();
      assertThat(thrown.get(10, TimeUnit.SECONDS)).as("join() ends when its thread is interrupted")
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(stillInterrupted).as("the interrupt is kept for the caller").isTrue();
      assertThat(taskInterrupted.await(10, TimeUnit.SECONDS)).as("the group's task was cancelled").isTrue();
      Await.until("the token came back", () -> lane.limiter().borrowed() == 0);
    }
  }
}
