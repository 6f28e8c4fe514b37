package dev.lanes.observe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A virtual thread that blocked while pinned to its carrier (JFR's {@code jdk.VirtualThreadPinned}).
 *
 * @param thread the virtual thread's name (lane threads are {@code lane-<name>-<n>})
 * @param duration how long it stayed pinned
 * @param stack its stack when the event was recorded, innermost frame first (may be empty)
 */
public record PinnedThread(String thread, Duration duration, List<String> stack) {
  public PinnedThread {
    Objects.requireNonNull(thread, "thread");
    Objects.requireNonNull(duration, "duration");
    stack = List.copyOf(stack);
  }
}
