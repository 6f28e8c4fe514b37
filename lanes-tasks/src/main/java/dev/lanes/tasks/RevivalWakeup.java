package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.Execution;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts executions db-scheduler revived (their worker stopped beating) at once rather than at the
 * next poll: once a dead-execution check that found some has handed them back, due now, it wakes
 * the local scheduler through {@link DueWakeups}. It matters where the poll is slow: an embedded
 * store restarted after a crash, whose executions the previous process left picked.
 */
final class RevivalWakeup extends AbstractSchedulerListener {
  private final DueWakeups wakeups;
  private final AtomicBoolean found = new AtomicBoolean();

  RevivalWakeup(DueWakeups wakeups) {
    this.wakeups = wakeups;
  }

  @Override
  public void onExecutionDead(Execution execution) {
    found.set(true); // the handler reschedules it after this call
  }

  @Override
  public void onSchedulerEvent(SchedulerEventType type) {
    if (type == SchedulerEventType.RAN_DETECT_DEAD && found.getAndSet(false)) {
      wakeups.at(Instant.now());
    }
  }
}
