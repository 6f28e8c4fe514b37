package dev.lanes.observe;

import dev.lanes.concurrency.LaneSizing;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.JsonCodec;
import dev.lanes.streaming.ServerSentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The dashboard's event source: a snapshot of every lane each interval, as one {@code snapshot}
 * event of JSON. Pulled by the {@code streaming} lane's thread, which sleeps between snapshots;
 * when the client leaves, the write fails or the thread is interrupted and the feed ends.
 *
 * <p>Each lane's {@code recentQueueWaitMs} is the mean wait of the tokens granted since the
 * previous snapshot, so the page shows waits as they are now, not averaged since start. Its
 * {@code capacity} is the current limit; {@code sizing} ({@code fixed}, {@code unbounded},
 * {@code adaptive}) with {@code minCapacity} and {@code maxCapacity} says how it may move, and the
 * page keeps its history. {@code executor} ({@code virtual}, {@code platform}, {@code user}) is
 * where new tasks run, {@code computeMode} whether an adaptive lane moved them to platform threads
 * and {@code computeModeEntries} how often it did; the page keeps that history too.
 * {@link DashboardSection}s, if any, follow as {@code sections}.
 */
final class DashboardFeed implements java.util.Iterator<ServerSentEvent>, AutoCloseable {
  private final Lanes lanes;
  private final List<DashboardSection> sections;
  private final Duration interval;
  private final Map<String, LaneStatistics> previous = new HashMap<>();
  private long sent;
  private volatile boolean closed;

  DashboardFeed(Lanes lanes, List<DashboardSection> sections, Duration interval) {
    this.lanes = lanes;
    this.sections = sections;
    this.interval = interval;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (sent > 0) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the client left: end the stream
        closed = true;
        return false;
      }
    }
    return !closed;
  }

  @Override
  public ServerSentEvent next() {
    if (closed) {
      throw new NoSuchElementException();
    }
    Map<String, Object> snap = snapshot(lanes, sections, previous);
    // The page's own format: the defaults, whatever codec the app uses (its keys are map keys,
    // which naming strategies leave alone anyway).
    return ServerSentEvent.of(new String(JsonCodec.defaults().write(snap), java.nio.charset.StandardCharsets.UTF_8))
        .withId(Long.toString(sent++)).withEvent("snapshot");
  }

  @Override
  public void close() {
    closed = true;
  }

  /** One snapshot; with {@code previous} (updated here) the recent waits are since the last one. */
  static Map<String, Object> snapshot(Lanes lanes, List<DashboardSection> sections, Map<String, LaneStatistics> previous) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LaneStatistics s : lanes.statistics()) {
      Map<String, Object> lane = new LinkedHashMap<>();
      lane.put("name", s.name());
      lane.put("capacity", s.capacity());
      lane.put("sizing", sizingName(s.sizing()));
      lane.put("minCapacity", s.sizing().minCapacity());
      lane.put("maxCapacity", s.sizing().maxCapacity());
      lane.put("executor", s.executorKind().name().toLowerCase(java.util.Locale.ROOT));
      lane.put("computeMode", s.computeMode());
      lane.put("computeModeEntries", s.computeModeEntries());
      lane.put("borrowed", s.borrowed());
      lane.put("waiting", s.waiting());
      lane.put("completed", s.completed());
      lane.put("failed", s.failed());
      lane.put("rejected", s.rejected() + s.timedOut());
      lane.put("p50QueueWaitMs", millis(s.p50QueueWait()));
      lane.put("p99QueueWaitMs", millis(s.p99QueueWait()));
      LaneStatistics before = previous == null ? null : previous.put(s.name(), s);
      long grants = before == null ? s.granted() : s.granted() - before.granted();
      Duration waited = before == null ? s.totalQueueWait() : s.totalQueueWait().minus(before.totalQueueWait());
      lane.put("recentQueueWaitMs", grants <= 0 ? 0.0 : millis(waited.dividedBy(grants)));
      out.add(lane);
    }
    Map<String, Object> snap = new LinkedHashMap<>();
    snap.put("time", System.currentTimeMillis());
    snap.put("lanes", out);
    if (!sections.isEmpty()) {
      snap.put("sections", sections.stream().map(DashboardFeed::section).toList());
    }
    return snap;
  }

  /** One section as {@code {"title","columns","rows"}}, or with {@code "error"} if it threw. */
  private static Map<String, Object> section(DashboardSection section) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("title", section.title());
    out.put("columns", section.columns());
    try {
      out.put("rows", section.rows());
    } catch (RuntimeException e) {
      out.put("rows", List.of());
      out.put("error", String.valueOf(e.getMessage()));
    }
    return out;
  }

  private static String sizingName(LaneSizing sizing) {
    return switch (sizing) {
      case LaneSizing.Fixed f -> "fixed";
      case LaneSizing.Unbounded u -> "unbounded";
      case LaneSizing.Adaptive a -> "adaptive";
    };
  }

  private static double millis(Duration d) {
    return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
  }
}
