package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.event.ExecutionChain;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.time.Duration;
import java.time.Instant;

/**
 * Hands back, unstarted, an execution this worker claimed that waited in the lane longer than
 * {@code maxWait}: one claimed ahead of its free slots, or any claimed by a lane since shrunk. Its heartbeat is as old as the claim until it starts, so
 * other workers soon take it for dead (or did, and run it): it must not start here too. It goes
 * back due at its own time, in its place in the queue. {@code maxWait} is shorter than the
 * dead-execution age by more than a heartbeat, so an attempt started within it beats before
 * anyone could revive it. A claim that starts once the worker is draining goes back too: a drain
 * lets running attempts finish, it does not start the ones still waiting for a slot.
 */
final class StaleClaims implements ExecutionInterceptor {
  private final Duration maxWait;

  StaleClaims(Duration maxWait) {
    this.maxWait = maxWait;
  }

  @Override
  public CompletionHandler<?> execute(TaskInstance<?> instance, ExecutionContext context, ExecutionChain chain) {
    Instant claimed = context.getExecution().lastHeartbeat;
    boolean fresh = claimed == null || Duration.between(claimed, Instant.now()).compareTo(maxWait) <= 0;
    if (fresh && !context.getSchedulerState().isShuttingDown()) {
      return chain.proceed(instance, context);
    }
    Instant due = context.getExecution().executionTime;
    return (complete, ops) -> {
      try {
        ops.reschedule(complete, due);
      } catch (RuntimeException takenOver) {
        // another worker revived it as dead meanwhile (a new version): it is theirs now
      }
    };
  }
}
