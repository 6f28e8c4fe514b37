package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.JsonCodec;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One attempt of a task, as db-scheduler runs it on a worker-lane thread: record the start in the
 * status table (skipping a task that is final or cancelled), run the handler, then record the
 * outcome and tell db-scheduler what to do with the execution: remove it, or reschedule it after
 * the retry policy's backoff. A drain that interrupts the attempt hands the task back, due now.
 */
final class TaskAttempts {
  private static final System.Logger LOG = System.getLogger(TaskAttempts.class.getName());
  /** The start of the error of a task whose handler returned a value that cannot be stored. */
  static final String UNWRITABLE_RESULT = "the handler returned a result that cannot be stored as JSON: ";
  /** When the status table itself fails, db-scheduler tries the execution again this much later. */
  private static final Duration STORE_FAILURE_RETRY = Duration.ofSeconds(5);

  private final StatusTable statuses;
  private final JsonCodec json;
  private final Lanes lanes;
  private final String workerLane;
  private final TaskEvents events;
  private final Consumer<Instant> dueLater; // a retry's time, so this worker wakes for it

  TaskAttempts(StatusTable statuses, JsonCodec json, Lanes lanes, String workerLane, TaskEvents events,
      Consumer<Instant> dueLater) {
    this.statuses = statuses;
    this.json = json;
    this.lanes = lanes;
    this.workerLane = workerLane;
    this.events = events;
    this.dueLater = dueLater;
  }

  /** db-scheduler's task for {@code type}: its data is the payload's JSON. */
  <P> CustomTask<byte[]> schedulerTask(TaskType<P> type) {
    return com.github.kagkarlsson.scheduler.task.helper.Tasks.custom(type.name(), byte[].class)
        .onFailure((complete, ops) -> {
          // The store failed (starting the attempt, or recording its end): tried again later, and
          // woken for then rather than at the next poll.
          Instant retry = complete.getTimeDone().plus(STORE_FAILURE_RETRY);
          ops.reschedule(complete, retry);
          dueLater.accept(retry); // after the reschedule is stored: a wake-up before it would find nothing
        })
        .execute((instance, context) -> attempt(type, instance.getId(), instance.getData(), context));
  }

  private <P> CompletionHandler<byte[]> attempt(TaskType<P> type, String id, byte[] data, ExecutionContext context) {
    Instant began = Instant.now();
    StatusTable.Attempt attempt;
    try {
      attempt = statuses.startAttempt(id, began);
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed starting task " + id, e); // db-scheduler retries later
    }
    if (attempt.start() == StatusTable.Start.SKIPPED) {
      return (complete, ops) -> ops.stop(); // final or cancelled: a late or duplicate execution
    }
    boolean redelivered = attempt.start() == StatusTable.Start.REDELIVERED;
    if (redelivered && attempt.redeliveries() > type.maxRedeliveries()) {
      try {
        return crashedTooOften(type, id, attempt);
      } catch (SQLException store) {
        throw unstored(id, "the store failed recording that it was redelivered past its bound", store);
      }
    }
    Duration late = Duration.between(context.getExecution().executionTime, began);
    events.started(type.name(), id, attempt.number(), late.isNegative() ? Duration.ZERO : late, redelivered);
    long startNanos = System.nanoTime();
    P payload;
    try {
      payload = readPayload(type, data);
    } catch (RuntimeException unreadable) {
      try {
        // The same bytes and class fail the same way on every retry (the type changed since the enqueue).
        return unreadablePayload(type, id, attempt.number(), unreadable);
      } catch (SQLException store) {
        store.addSuppressed(unreadable);
        throw unstored(id, "its payload did not read, and the store failed recording that", store);
      }
    }
    Object result;
    try {
      // The policy's count of this attempt (failed() decides by it): redeliveries and hand-backs left out.
      int retries = Math.clamp(attempt.counted() - 1, 0, attempt.number() - 1);
      result = type.runAttempt(payload, new TaskContext(id, type.name(), attempt.number(), redelivered, retries,
          type.retry().maxAttempts()), lanes, workerLane);
    } catch (Exception | Error e) {
      // An Error from the handler (an assertion, a stack overflow, a class that failed to
      // initialise) ends the attempt as a throw does: left to db-scheduler, it would re-run the
      // task every few seconds, past the retry policy, with its status stuck at running.
      boolean interrupted = endedByInterrupt(e);
      try {
        if (interrupted && context.getSchedulerState().isShuttingDown()) {
          Instant now = Instant.now();
          statuses.handedBack(id, "interrupted: the worker stopped before the attempt ended", now, now);
          return (complete, ops) -> ops.reschedule(complete, now);
        }
        return failed(type, id, attempt, e);
      } catch (SQLException store) {
        store.addSuppressed(e);
        throw unstored(id, "its handler threw " + e + ", and the store failed recording that", store);
      }
    }
    // The handler returned: from here on a failure is the store's, never the handler's. Recording it
    // as the handler's failed the task (or spent a retry) though its work was done; thrown, it leaves
    // the task running and db-scheduler tries the execution again later, a redelivery.
    try {
      String value;
      try {
        value = statuses.resultJson(result);
      } catch (RuntimeException | Error unwritable) {
        // The handler's work is done: a retry would repeat it only to return a value of the same kind.
        // An Error too (Jackson rethrows one from an accessor as it is).
        return unwritableResult(type, id, attempt.number(), unwritable);
      }
      boolean removed = statuses.succeededAndRemoved(id, value, Instant.now(), context.getExecution());
      events.succeeded(type.name(), id, Duration.ofNanos(System.nanoTime() - startNanos));
      return removed ? (complete, ops) -> {} : (complete, ops) -> ops.stop(); // {}: deleted with the status write
    } catch (SQLException store) {
      throw unstored(id, "its handler returned, but the store failed recording its success", store);
    }
  }

  /**
   * The failure to throw when the store failed recording an attempt's end ({@code outcome} and the
   * store's error), after noting it on the task ({@link StatusTable#outcomeUnstored}) so that the
   * redelivery it leads to is not blamed on a dead worker. Best effort: a store refusing the note too
   * leaves that redelivery looking like a worker's death.
   */
  private IllegalStateException unstored(String id, String outcome, SQLException store) {
    return unstored(statuses, "task " + id, id, outcome, store);
  }

  /** {@link #unstored(String, String, SQLException)} for {@code what} (a task, a recurring run). */
  static IllegalStateException unstored(StatusTable statuses, String what, String id, String outcome, SQLException store) {
    try {
      statuses.outcomeUnstored(id, outcome + ": " + store.getMessage());
    } catch (SQLException also) {
      store.addSuppressed(also);
    }
    return new IllegalStateException("task store failed recording the end of " + what + " (" + outcome + ")", store);
  }

  /**
   * The stored payload as the type's payload class; never null, as no enqueue stores one that reads
   * as null: a handler given null would fail on it attempt after attempt.
   *
   * @throws RuntimeException if there is no payload, or it does not read as a payload
   */
  private <P> P readPayload(TaskType<P> type, byte[] data) {
    if (data == null) {
      throw new IllegalArgumentException("no payload stored");
    }
    P payload = json.readValue(data, type.payloadType());
    if (payload == null) {
      throw new IllegalArgumentException("it is the JSON null");
    }
    return payload;
  }

  /**
   * Whether {@code error} ended an attempt because its thread was interrupted: the flag is still
   * set (this clears it), or an interrupt's exception is among its causes, where a handler that
   * wraps it ({@code catch (InterruptedException e) { throw new RuntimeException(e); }}) leaves it
   * with the flag cleared.
   */
  static boolean endedByInterrupt(Throwable error) {
    boolean flag = Thread.interrupted();
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return flag;
  }

  /** How deep {@link #endedByInterrupt} looks (a cause chain may loop). */
  private static final int MAX_CAUSES = 32;

  /**
   * Its worker died under the task once more than its type allows, or the store failed recording its
   * attempts' ends as often: failed without running it again, whatever the retry policy, so a task
   * that brings down every worker it meets stops, and one whose end cannot be stored does not run
   * for good.
   */
  private <P> CompletionHandler<byte[]> crashedTooOften(TaskType<P> type, String id, StatusTable.Attempt attempt)
      throws SQLException {
    String message = crashedTooOftenMessage(type, attempt);
    statuses.failed(id, message, Instant.now());
    events.failed(type.name(), id, attempt.number(), new IllegalStateException(message));
    LOG.log(System.Logger.Level.WARNING, "task " + type.name() + " " + id + ": " + message);
    return (complete, ops) -> ops.stop();
  }

  /**
   * Why a task redelivered past its type's bound failed: its worker died, or, if the previous attempt
   * noted so, the store could not record that attempt's end (with the store's error).
   */
  static String crashedTooOftenMessage(TaskType<?> type, StatusTable.Attempt attempt) {
    String why = attempt.unstored()
        .map(note -> "the end of its last attempt could not be stored (" + note + ")")
        .orElse("its worker died under it again");
    return why + ": redelivered " + (attempt.redeliveries() - 1) + " times already, "
        + "the most its type allows (maxRedeliveries " + type.maxRedeliveries() + "); not run again";
  }

  /** The stored payload does not read as the type's payload class: failed now, whatever the retry policy. */
  private <P> CompletionHandler<byte[]> unreadablePayload(TaskType<P> type, String id, int attempt, RuntimeException error)
      throws SQLException {
    String message = "payload of task type '" + type.name() + "' cannot be read as " + type.payloadType().getName()
        + " (changed since the enqueue?): " + error.getMessage();
    statuses.failed(id, message, Instant.now());
    events.failed(type.name(), id, attempt, new IllegalStateException(message, error));
    LOG.log(System.Logger.Level.WARNING, "task " + type.name() + " " + id + ": " + message);
    return (complete, ops) -> ops.stop();
  }

  /** A handler returned a value the app's JSON codec cannot write: failed now, whatever the retry policy. */
  private <P> CompletionHandler<byte[]> unwritableResult(TaskType<P> type, String id, int attempt, Throwable error)
      throws SQLException {
    statuses.failed(id, UNWRITABLE_RESULT + error, Instant.now());
    events.failed(type.name(), id, attempt, error);
    LOG.log(System.Logger.Level.WARNING, "task " + type.name() + " " + id + " returned a result that cannot be stored as JSON", error);
    return (complete, ops) -> ops.stop();
  }

  private <P> CompletionHandler<byte[]> failed(TaskType<P> type, String id, StatusTable.Attempt started, Throwable error)
      throws SQLException {
    String message = error.toString();
    int attempt = started.number();
    // The policy counts attempts that ended: a redelivery (its worker died) is not a failure.
    if (type.retry().retriesAfter(started.counted())) {
      Duration backoff = type.retry().backoffAfter(started.counted());
      Instant now = Instant.now();
      Instant next = now.plus(backoff);
      statuses.requeued(id, message, next, now);
      events.retried(type.name(), id, attempt, backoff, error);
      return (complete, ops) -> {
        ops.reschedule(complete, next);
        dueLater.accept(next); // after the reschedule is stored: a wake-up before it would find nothing
      };
    }
    statuses.failed(id, message, Instant.now());
    events.failed(type.name(), id, attempt, error);
    LOG.log(System.Logger.Level.WARNING, "task " + type.name() + " " + id + " failed its last attempt (" + attempt + ")", error);
    return (complete, ops) -> ops.stop();
  }
}
