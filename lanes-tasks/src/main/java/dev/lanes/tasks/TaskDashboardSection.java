package dev.lanes.tasks;

import dev.lanes.observe.DashboardSection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The task counts on the {@code /_lanes} dashboard: a row per task type (by name) with its tasks in the store
 * per state, and its cron expression if it is recurring. The store is read at most once a second,
 * however many pages are open.
 */
final class TaskDashboardSection implements DashboardSection {
  private static final long REFRESH_NANOS = 1_000_000_000L;
  private static final List<String> COLUMNS = List.of("type", "queued", "running", "succeeded", "failed", "cancelled", "schedule");

  private final Tasks tasks;
  // A lock, not a monitor: the store query runs under it on a virtual thread, which a monitor would
  // pin to its carrier on JDK 21.
  private final ReentrantLock lock = new ReentrantLock();
  private List<Map<String, Object>> rows = List.of(); // guarded by lock
  private long readAt; // guarded by lock
  private boolean read; // guarded by lock

  TaskDashboardSection(Tasks tasks) {
    this.tasks = tasks;
  }

  @Override
  public String title() {
    return "tasks";
  }

  @Override
  public List<String> columns() {
    return COLUMNS;
  }

  @Override
  public List<Map<String, Object>> rows() {
    if (!tasks.isRunning()) {
      return List.of();
    }
    lock.lock();
    try {
      return cachedRows();
    } finally {
      lock.unlock();
    }
  }

  private List<Map<String, Object>> cachedRows() {
    long now = System.nanoTime();
    if (read && now - readAt < REFRESH_NANOS) {
      return rows;
    }
    Map<String, Map<TaskState, Long>> counts = tasks.countsByType();
    Map<String, String> cron = tasks.recurring();
    // by name: this process's types, its recurring ones, and types only other processes registered
    SortedSet<String> names = new TreeSet<>(tasks.types().keySet());
    names.addAll(cron.keySet());
    names.addAll(counts.keySet());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : names) {
      Map<TaskState, Long> byState = counts.getOrDefault(name, Map.of());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("type", name);
      for (TaskState state : TaskState.values()) {
        row.put(state.wire(), byState.getOrDefault(state, 0L));
      }
      row.put("schedule", cron.getOrDefault(name, ""));
      out.add(row);
    }
    rows = List.copyOf(out);
    readAt = now;
    read = true;
    return rows;
  }
}
