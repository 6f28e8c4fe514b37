package dev.lanes.observe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One incident of an event loop running one piece of work for too long, as the
 * watchdog saw it.
 *
 * @param thread the loop thread's name ({@code lanes-loop-...})
 * @param route the async handler running when the sample was taken, if the loop was in one
 * @param blockedFor how long the loop had been busy when it was sampled (at least the threshold)
 * @param state the loop thread's state when sampled: {@code TIMED_WAITING}, {@code WAITING} or
 *     {@code BLOCKED} mean it was certainly blocked (sleep, lock, future); {@code RUNNABLE} means
 *     it was computing, in blocking I/O, or not given a CPU by an overloaded machine
 * @param stack the loop thread's stack at that moment, innermost frame first
 */
public record BlockedLoop(String thread, Optional<String> route, Duration blockedFor,
    Thread.State state, List<StackTraceElement> stack) {
  public BlockedLoop {
    Objects.requireNonNull(thread, "thread");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(blockedFor, "blockedFor");
    stack = List.copyOf(stack);
  }

  /**
   * Whether this is certainly the application's doing: the loop was in an async handler, or its
   * thread was waiting rather than running. Otherwise it may be class loading on a first request
   * or an overloaded machine that did not schedule the loop.
   */
  public boolean certain() {
    return route.isPresent() || state != Thread.State.RUNNABLE;
  }

  /** A multi-line description for logs: what, where, how long, then the stack. */
  public String describe() {
    StringBuilder sb = new StringBuilder("event loop ").append(thread).append(" blocked for ")
        .append(blockedFor.toMillis()).append(" ms (").append(state).append(')');
    route.ifPresentOrElse(r -> sb.append(" in async handler ").append(r),
        () -> sb.append(" (not in an async handler)"));
    sb.append("; blocking calls belong in a lane (Concurrency.runBlocking)");
    for (StackTraceElement e : stack) {
      sb.append("\n\tat ").append(e);
    }
    return sb.toString();
  }
}
