package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.lanes.concurrency.Lanes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The runs of recurring task types, as db-scheduler's recurring tasks: one execution row per type,
 * picked by one worker at a time, moved to the next cron time when a run ends, so a type never runs
 * concurrently with itself and each due time runs once across all workers. Each run gets a status
 * row of its own ({@link RecurringType#runId}), queryable like any task. A run that throws is
 * {@code failed} at once (the next due time is its retry); a run interrupted by a draining worker is
 * handed back, due at the same time, and the next worker runs it under the same id; a run whose
 * status write failed is tried again a few seconds later, under the same id.
 */
final class RecurringRuns {
  /** When the status table itself fails, the same due time is tried again this much later. */
  private static final Duration STORE_FAILURE_RETRY = Duration.ofSeconds(5);

  private final DataSource db;
  private final String table;
  private final boolean postgres;
  private final StatusTable statuses;
  private final Lanes lanes;
  private final String workerLane;
  private final TaskEvents events;
  private final Consumer<Instant> dueLater; // a store-failure retry's time, so this worker wakes for it

  RecurringRuns(DataSource db, String table, boolean postgres, StatusTable statuses, Lanes lanes, String workerLane,
      TaskEvents events, Consumer<Instant> dueLater) {
    this.db = db;
    this.table = table;
    this.postgres = postgres;
    this.statuses = statuses;
    this.lanes = lanes;
    this.workerLane = workerLane;
    this.events = events;
    this.dueLater = dueLater;
  }

  /** Thrown out of a run a draining worker interrupted, so the failure handler keeps its due time. */
  private static final class HandedBack extends RuntimeException {
    HandedBack(Throwable cause) {
      super("interrupted: the worker stopped before the run ended", cause);
    }
  }

  /**
   * db-scheduler's recurring task for {@code recurring}, scheduled on startup if not yet stored. Its
   * data is empty, or the due time of a run the status table failed (its epoch millis as text): the
   * run is tried again later but keeps that time, so its id, and its status row does not stay
   * queued or running for good while the schedule goes on under other ids.
   */
  <P> RecurringTask<byte[]> schedulerTask(RecurringType<P> recurring) {
    return com.github.kagkarlsson.scheduler.task.helper.Tasks.recurring(recurring.type().name(), recurring.schedule(),
            byte[].class)
        .onFailure((complete, ops) -> {
          Execution execution = complete.getExecution();
          Instant due = dueOf(execution);
          if (complete.getCause().filter(HandedBack.class::isInstance).isPresent()) {
            ops.reschedule(complete, execution.executionTime); // the data, if any, still names the run
            return;
          }
          Instant retry = Instant.now().plus(STORE_FAILURE_RETRY);
          ops.reschedule(complete, retry, Long.toString(due.toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
          dueLater.accept(retry); // after the reschedule is stored: a wake-up before it would find nothing
        })
        // A run whose worker died is revived at its own due time (so at once), not at "now" as
        // db-scheduler's default does: the run's id comes from that time, so the revived run is the
        // same task, redelivered, and its status row does not stay running for good.
        .onDeadExecution((complete, ops) -> ops.reschedule(complete, complete.getExecution().executionTime))
        .executeStateful((instance, context) -> {
          run(recurring, context);
          return null; // the run ended: the next due time has no data
        });
  }

  /** The due time of the run an execution holds: the one its data names, else its execution time. */
  private static Instant dueOf(Execution execution) {
    byte[] data = (byte[]) execution.taskInstance.getData();
    return data == null ? execution.executionTime
        : Instant.ofEpochMilli(Long.parseLong(new String(data, StandardCharsets.US_ASCII)));
  }

  private <P> void run(RecurringType<P> recurring, ExecutionContext context) {
    TaskType<P> type = recurring.type();
    Instant due = dueOf(context.getExecution());
    String id = RecurringType.runId(type.name(), due);
    Instant began = Instant.now();
    StatusTable.Attempt attempt;
    try {
      insertIfAbsent(id, type.name(), due, began);
      attempt = statuses.startAttempt(id, began);
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed starting recurring run " + id, e);
    }
    if (attempt.start() == StatusTable.Start.SKIPPED) {
      return; // this due time already ended: db-scheduler moves on to the next
    }
    if (attempt.start() == StatusTable.Start.REDELIVERED && attempt.redeliveries() > type.maxRedeliveries()) {
      String message = TaskAttempts.crashedTooOftenMessage(type, attempt);
      try {
        statuses.failed(id, message, Instant.now());
      } catch (SQLException store) {
        throw TaskAttempts.unstored(statuses, "recurring run " + id, id,
            "the store failed recording that it was redelivered past its bound", store);
      }
      events.failed(type.name(), id, attempt.number(), new IllegalStateException(message));
      return; // this due time ends failed; the next one runs as usual
    }
    Duration late = Duration.between(due, began);
    boolean redelivered = attempt.start() == StatusTable.Start.REDELIVERED;
    events.started(type.name(), id, attempt.number(), late.isNegative() ? Duration.ZERO : late, redelivered);
    long startNanos = System.nanoTime();
    Object result;
    try {
      // A run that throws is failed at once (the next due time is its retry): always its last attempt.
      result = type.runAttempt(recurring.payload(),
          new TaskContext(id, type.name(), attempt.number(), redelivered, 0, 1), lanes, workerLane);
    } catch (Exception | Error e) { // an Error ends the run as a throw does (see TaskAttempts)
      boolean interrupted = TaskAttempts.endedByInterrupt(e);
      try {
        if (interrupted && context.getSchedulerState().isShuttingDown()) {
          Instant now = Instant.now();
          statuses.handedBack(id, "interrupted: the worker stopped before the run ended", due, now);
          throw new HandedBack(e);
        }
        statuses.failed(id, e.toString(), Instant.now());
        events.failed(type.name(), id, attempt.number(), e);
        return;
      } catch (SQLException store) {
        store.addSuppressed(e);
        throw TaskAttempts.unstored(statuses, "recurring run " + id, id,
            "its handler threw " + e + ", and the store failed recording that", store);
      }
    }
    // The handler returned: a failure from here on is the store's, tried again under the same id (a
    // redelivery), not the run's (it ended failed with the store's error). A result the codec cannot
    // write fails the run, as a one-off task's does, with the same error.
    try {
      String value;
      try {
        value = statuses.resultJson(result);
      } catch (RuntimeException | Error unwritable) {
        statuses.failed(id, TaskAttempts.UNWRITABLE_RESULT + unwritable, Instant.now());
        events.failed(type.name(), id, attempt.number(), unwritable);
        return;
      }
      statuses.succeeded(id, value, Instant.now());
    } catch (SQLException store) {
      throw TaskAttempts.unstored(statuses, "recurring run " + id, id,
          "its handler returned, but the store failed recording its success", store);
    }
    events.succeeded(type.name(), id, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /** The run's status row, queued, unless a worker that ran this due time before wrote it. */
  private void insertIfAbsent(String id, String name, Instant due, Instant now) throws SQLException {
    String sql = "INSERT INTO " + table + " (id, name, state, attempts, redeliveries, enqueued_ms, run_at_ms, updated_ms) "
        + "VALUES (?, ?, 'queued', 0, 0, ?, ?, ?)" + (postgres ? " ON CONFLICT (id) DO NOTHING" : "");
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      s.setString(2, name);
      s.setLong(3, due.toEpochMilli());
      s.setLong(4, due.toEpochMilli());
      s.setLong(5, now.toEpochMilli());
      s.executeUpdate();
    } catch (SQLException e) {
      if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
        throw e; // not a duplicate key: the row is there from an earlier attempt at this due time
      }
    }
  }
}
