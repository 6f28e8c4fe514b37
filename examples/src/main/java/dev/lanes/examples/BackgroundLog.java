package dev.lanes.examples;

import java.util.ArrayList;
import java.util.List;

/** When each demo background task started, in milliseconds since the first one (seed 004's question). */
public final class BackgroundLog {
  private final List<Long> startNanos = new ArrayList<>();

  synchronized void started() {
    startNanos.add(System.nanoTime());
  }

  /** Start offsets in ms from the first start, in start order. */
  public synchronized List<Long> startOffsetsMillis() {
    if (startNanos.isEmpty()) {
      return List.of();
    }
    long first = startNanos.get(0);
    return startNanos.stream().map(n -> (n - first) / 1_000_000).toList();
  }

  synchronized void clear() {
    startNanos.clear();
  }
}
