package dev.lanes.observe;

import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.TaskOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records events as short strings, in order, and lets a test wait for one to happen. */
class RecordingListener implements LanesListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<BlockedLoop> blocked = new CopyOnWriteArrayList<>();
  private final Semaphore recorded = new Semaphore(0);

  private void add(String e) {
    events.add(e);
    recorded.release();
  }

  /** Waits until an event matching {@code p} has been recorded (bounded: fails after 10 s). */
  void await(Predicate<String> p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.stream().noneMatch(p)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !recorded.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        if (events.stream().anyMatch(p)) {
          return;
        }
        throw new AssertionError("event never came; got " + events);
      }
    }
  }

  void await(String event) throws InterruptedException {
    await(event::equals);
  }

  /** The events from index {@code from}, leaving out the periodic and lifespan ones. */
  List<String> since(int from) {
    return events.subList(from, events.size()).stream()
        .filter(e -> !e.startsWith("lifespan") && !e.startsWith("loopLatency")).toList();
  }

  @Override public void requestStart(String method, String path) { add("requestStart " + method + " " + path); }
  @Override public void requestEnd(String route, String method, int status, Duration d) { add("requestEnd " + route + " " + status); }
  @Override public void responseBodyEnd(String route, String method, boolean completed, Duration d) { add("bodyEnd " + route + " " + completed); }
  @Override public void laneWaitStart(String lane) { add("waitStart " + lane); }
  @Override public void laneWaitCancelled(String lane) { add("waitCancelled " + lane); }
  @Override public void laneAcquired(String lane, Duration wait) { add("acquired " + lane); }
  @Override public void laneRejected(String lane, LaneRejectedException.Reason reason) { add("rejected " + lane + " " + reason); }
  @Override public void laneTaskStart(String lane) { add("taskStart " + lane); }
  @Override public void laneTaskEnd(String lane, TaskOutcome outcome, Duration d) { add("taskEnd " + lane + " " + outcome.tag()); }
  @Override public void backgroundTaskStart(String name, String route) { add("backgroundStart " + name); }
  @Override public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration d) { add("backgroundEnd " + name + " " + outcome.tag()); }
  @Override public void lifespan(LifespanPhase phase) { add("lifespan " + phase); }
  @Override public void eventLoopLatency(String loop, Duration delay) { events.add("loopLatency " + loop); }

  @Override
  public void eventLoopBlocked(BlockedLoop report) {
    blocked.add(report);
    add("blocked " + report.route().orElse("none"));
  }
}
