package dev.lanes.testing;

import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.BlockedLoop;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.observe.PinnedThread;
import dev.lanes.observe.TlsHandshakeFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A {@link LanesListener} that records every event as a short line, in the order they happened,
 * and lets a test wait for one. Durations are left out, so sequences can be compared exactly.
 *
 * <pre>{@code
 * RecordingListener events = RecordingListener.create();
 * App app = App.builder().listener(events).get("/x", req -> Response.text("x")).build();
 * try (TestClient client = TestClient.start(app)) {
 *   int mark = events.mark();
 *   client.get("/x");
 *   events.await("bodyEnd GET /x true");
 *   assertThat(events.since(mark)).containsExactly("requestStart GET /x", "waitStart endpoints",
 *       "acquired endpoints", "taskStart endpoints", "taskEnd endpoints completed",
 *       "requestEnd GET /x 200", "bodyEnd GET /x true");
 * }
 * }</pre>
 *
 * <p>The lines ({@code ROUTE} is the route's name, such as {@code GET /items/{id}}, or
 * {@value LanesListener#UNMATCHED}; outcomes and reasons as {@link TaskOutcome#tag()} and
 * {@link LaneRejectedException.Reason}):
 * <pre>
 * requestStart METHOD PATH      requestEnd ROUTE STATUS       bodyEnd ROUTE true|false
 * waitStart LANE                acquired LANE                 waitCancelled LANE
 * rejected LANE REASON          taskStart LANE                taskEnd LANE OUTCOME
 * backgroundStart NAME          backgroundEnd NAME OUTCOME    lifespan PHASE
 * blocked ROUTE|none            pinned THREAD                 loopLatency LOOP
 * taskEnqueued TYPE             taskStarted TYPE ATTEMPT      taskSucceeded TYPE
 * taskRetried TYPE ATTEMPT      taskFailed TYPE ATTEMPT       tlsFailed REASON
 * </pre>
 * (the {@code task*} lines are stored tasks' events, from {@code lanes-tasks}).
 */
public final class RecordingListener implements LanesListener {
  private final List<String> events = new ArrayList<>(); // guarded by this
  private final List<BlockedLoop> blocked = new ArrayList<>(); // guarded by this
  private final List<PinnedThread> pinned = new ArrayList<>(); // guarded by this

  private RecordingListener() {}

  /** A listener with nothing recorded yet; register it with {@code App.Builder.listener}. */
  public static RecordingListener create() {
    return new RecordingListener();
  }

  /** Every event so far, in order. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** How many events there are so far: a mark for {@link #since(int)}. */
  public synchronized int mark() {
    return events.size();
  }

  /**
   * The events after {@code mark}, without {@code lifespan} and {@code loopLatency} ones, which
   * are not caused by requests and would make a request's sequence vary from run to run.
   */
  public synchronized List<String> since(int mark) {
    if (mark < 0 || mark > events.size()) {
      throw new IllegalArgumentException("mark " + mark + " is not in 0.." + events.size());
    }
    return events.subList(mark, events.size()).stream()
        .filter(e -> !e.startsWith("lifespan ") && !e.startsWith("loopLatency ")).toList();
  }

  /** The watchdog's reports, in order. */
  public synchronized List<BlockedLoop> blockedLoops() {
    return List.copyOf(blocked);
  }

  /** The pinned virtual threads reported, in order. */
  public synchronized List<PinnedThread> pinnedThreads() {
    return List.copyOf(pinned);
  }

  /** Waits up to {@link Await#DEFAULT_TIMEOUT} until {@code event} has been recorded. */
  public void await(String event) {
    awaitCount(event::equals, 1, "event '" + event + "'");
  }

  /** Waits until an event matching {@code matching} has been recorded, and returns the first. */
  public String await(Predicate<String> matching) {
    Objects.requireNonNull(matching, "matching");
    awaitCount(matching, 1, "a matching event");
    synchronized (this) {
      return events.stream().filter(matching).findFirst().orElseThrow();
    }
  }

  /** Waits until {@code event} has been recorded {@code count} times (or more). */
  public void awaitCount(String event, int count) {
    awaitCount(event::equals, count, count + " x event '" + event + "'");
  }

  private synchronized void awaitCount(Predicate<String> matching, int count, String what) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    long deadline = System.nanoTime() + Await.DEFAULT_TIMEOUT.toNanos();
    while (events.stream().filter(matching).count() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + Await.DEFAULT_TIMEOUT + " waiting for "
            + what + "; recorded: " + events);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private synchronized void add(String event) {
    events.add(event);
    notifyAll();
  }

  @Override
  public void requestStart(String method, String path) {
    add("requestStart " + method + " " + path);
  }

  @Override
  public void requestEnd(String route, String method, int status, Duration duration) {
    add("requestEnd " + route + " " + status);
  }

  @Override
  public void responseBodyEnd(String route, String method, boolean completed, Duration duration) {
    add("bodyEnd " + route + " " + completed);
  }

  @Override
  public void laneWaitStart(String lane) {
    add("waitStart " + lane);
  }

  @Override
  public void laneAcquired(String lane, Duration queueWait) {
    add("acquired " + lane);
  }

  @Override
  public void laneWaitCancelled(String lane) {
    add("waitCancelled " + lane);
  }

  @Override
  public void laneRejected(String lane, LaneRejectedException.Reason reason) {
    add("rejected " + lane + " " + reason);
  }

  @Override
  public void laneTaskStart(String lane) {
    add("taskStart " + lane);
  }

  @Override
  public void laneTaskEnd(String lane, TaskOutcome outcome, Duration duration) {
    add("taskEnd " + lane + " " + outcome.tag());
  }

  @Override
  public void backgroundTaskStart(String name, String route) {
    add("backgroundStart " + name);
  }

  @Override
  public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {
    add("backgroundEnd " + name + " " + outcome.tag());
  }

  @Override
  public void tlsHandshakeFailed(TlsHandshakeFailure reason) {
    add("tlsFailed " + reason.tag());
  }

  @Override
  public void lifespan(LifespanPhase phase) {
    add("lifespan " + phase);
  }

  @Override
  public void eventLoopBlocked(BlockedLoop report) {
    synchronized (this) {
      blocked.add(report);
      add("blocked " + report.route().orElse("none"));
    }
  }

  @Override
  public void virtualThreadPinned(PinnedThread report) {
    synchronized (this) {
      pinned.add(report);
      add("pinned " + report.thread());
    }
  }

  @Override
  public void eventLoopLatency(String loop, Duration delay) {
    add("loopLatency " + loop);
  }

  @Override
  public void taskEnqueued(String type, String id, Duration delay) {
    add("taskEnqueued " + type);
  }

  @Override
  public void taskStarted(String type, String id, int attempt, Duration late, boolean redelivered) {
    add("taskStarted " + type + " " + attempt);
  }

  @Override
  public void taskSucceeded(String type, String id, Duration took) {
    add("taskSucceeded " + type);
  }

  @Override
  public void taskRetried(String type, String id, int attempt, Duration backoff, Throwable error) {
    add("taskRetried " + type + " " + attempt);
  }

  @Override
  public void taskFailed(String type, String id, int attempt, Throwable error) {
    add("taskFailed " + type + " " + attempt);
  }
}
