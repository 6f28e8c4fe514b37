package dev.lanes.tasks;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the status rows of tasks that ended (succeeded, failed, cancelled) longer than the
 * retention ago, so the status table does not grow for good (Celery's {@code result_expires}). A
 * worker's timer thread ({@code lanes-tasks-expiry}) sweeps every retention, at most a minute apart
 * (the first one a period after the start, not amid a cold start's work); a sweep deletes in batches of {@code BATCH} rows, one transaction each, until a
 * batch comes back short, so it never holds many locks or one long transaction. Workers sharing
 * PostgreSQL each sweep; their batches skip each other's rows.
 */
final class EndedTaskExpiry implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EndedTaskExpiry.class.getName());

  /** Rows deleted per statement. */
  static final int BATCH = 1000;
  /** The longest time between two sweeps: a row outlives its retention by at most this. */
  private static final Duration MAX_PERIOD = Duration.ofMinutes(1);
  /** The shortest, for a very short retention: a sweep is a statement on the store. */
  private static final Duration MIN_PERIOD = Duration.ofMillis(50);
  /** How long {@link #close} waits for a sweep's statement under way. */
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final StatusTable statuses;
  private final Duration retention;
  private final TaskEvents events;
  private final ScheduledThreadPoolExecutor timer;
  private volatile boolean closed;

  private EndedTaskExpiry(StatusTable statuses, Duration retention, TaskEvents events) {
    this.statuses = statuses;
    this.retention = retention;
    this.events = events;
    this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("lanes-tasks-expiry").factory());
  }

  /** Sweeps every retention (between 50 ms and a minute apart), from one period after now. */
  static EndedTaskExpiry start(StatusTable statuses, Duration retention, TaskEvents events) {
    EndedTaskExpiry expiry = new EndedTaskExpiry(statuses, retention, events);
    Duration period = retention.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD
        : retention.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : retention;
    // Not at once: a starting worker's first tasks and requests keep the CPU to themselves.
    expiry.timer.scheduleWithFixedDelay(expiry::sweepLogging, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return expiry;
  }

  private void sweepLogging() {
    try {
      sweep(statuses, retention, Instant.now(), events, () -> closed);
    } catch (SQLException | RuntimeException e) {
      // The next sweep tries again; a failing store shows in the attempts' own errors too.
      LOG.log(System.Logger.Level.WARNING, "could not delete expired tasks (the next sweep tries again): " + e.getMessage());
    } catch (Error e) {
      // Thrown out of a periodic task, it would cancel every later sweep without a word (a
      // listener's failed assertion, a driver's class that failed to load).
      LOG.log(System.Logger.Level.WARNING, "a sweep of expired tasks ended in an error (the next sweep tries again)", e);
    }
  }

  /**
   * Deletes, batch by batch, the tasks ended before {@code now - retention}, reports the count to
   * {@code events} if any, and returns it; stops early once {@code stop} says so.
   */
  static long sweep(StatusTable statuses, Duration retention, Instant now, TaskEvents events,
      java.util.function.BooleanSupplier stop) throws SQLException {
    Instant endedBefore;
    try {
      endedBefore = now.minus(retention);
      endedBefore.toEpochMilli();
    } catch (ArithmeticException | java.time.DateTimeException beforeTime) {
      return 0; // a retention longer than time in millis can hold: nothing ended that long ago
    }
    long deleted = 0;
    try {
      int batch;
      do {
        batch = statuses.expireEnded(endedBefore, BATCH);
        deleted += batch;
      } while (batch == BATCH && !stop.getAsBoolean());
    } finally {
      if (deleted > 0) {
        events.expired(deleted);
      }
    }
    return deleted;
  }

  /** Stops sweeping; waits for a sweep under way to end its statement (the store closes next). */
  @Override
  public void close() {
    closed = true;
    timer.shutdown();
    try {
      timer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
