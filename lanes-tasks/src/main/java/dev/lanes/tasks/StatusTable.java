package dev.lanes.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.task.Execution;
import dev.lanes.http.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Our table next to db-scheduler's: one row per task with its state, attempts, result and error,
 * kept after the execution row is gone so the state stays queryable by id. Every transition is
 * one guarded UPDATE, so concurrent workers cannot move a finished task back.
 */
final class StatusTable {
  private static final System.Logger LOG = System.getLogger(StatusTable.class.getName());

  /** How an attempt's start went. */
  enum Start { STARTED, REDELIVERED, SKIPPED }

  /**
   * The start of an attempt, its number (every start counts), the redeliveries among them, the
   * earlier attempts a draining worker handed back, and why the previous attempt's outcome could not
   * be stored, if it noted that ({@link #outcomeUnstored}): then a redelivery is the store's doing,
   * not a dead worker's.
   */
  record Attempt(Start start, int number, int redeliveries, int handedBack, Optional<String> unstored) {
    /**
     * This attempt's number for the retry policy: redeliveries and hand-backs left out, since each
     * re-runs an attempt that never ended (its worker died, or stopped) rather than one that failed.
     */
    int counted() {
      return number - redeliveries - handedBack;
    }
  }

  /** The states nothing follows, as an SQL list: the rows the expiry deletes. */
  static final String ENDED_STATES = "('succeeded', 'failed', 'cancelled')";

  private static final int MAX_ERROR = 4000;
  private static final String SUCCEEDED = "UPDATE %s SET state = 'succeeded', result = ?, error = NULL, updated_ms = ? "
      + "WHERE id = ? AND state = 'running'";

  private final DataSource db;
  private final String table;
  private final String executionTable;
  private final JsonCodec json;
  private final boolean postgres;

  StatusTable(DataSource db, String table, String executionTable, JsonCodec json, boolean postgres) {
    this.db = db;
    this.table = table;
    this.executionTable = executionTable;
    this.json = json;
    this.postgres = postgres;
  }

  Optional<TaskStatus> find(String id) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, name, state, attempts, "
        + "redeliveries, result, error, enqueued_ms, run_at_ms FROM " + table + " WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new TaskStatus(r.getString(1), r.getString(2), TaskState.ofWire(r.getString(3)),
            r.getInt(4), r.getInt(5),
            Optional.ofNullable(r.getString(6)).map(v -> json.readValue(v.getBytes(StandardCharsets.UTF_8), JsonNode.class)),
            Optional.ofNullable(r.getString(7)), Instant.ofEpochMilli(r.getLong(8)), Instant.ofEpochMilli(r.getLong(9))));
      }
    }
  }

  /**
   * Marks an attempt started. A task found running already was never finished by the worker that
   * started it (it died): this start is a redelivery. A final task is skipped.
   */
  Attempt startAttempt(String id, Instant now) throws SQLException {
    return postgres ? startAttemptOneStatement(id, now) : startAttemptOneTransaction(id, now);
  }

  /** PostgreSQL: lock, read the old state and update in one round trip (it is on every task's start). */
  private Attempt startAttemptOneStatement(String id, Instant now) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("WITH old AS (SELECT id, state, "
        + "attempts, unstored FROM " + table + " WHERE id = ? FOR UPDATE) UPDATE " + table + " t SET state = 'running', "
        + "attempts = old.attempts + 1, redeliveries = t.redeliveries + CASE WHEN old.state = 'running' THEN 1 ELSE 0 END, "
        + "unstored = NULL, updated_ms = ? FROM old WHERE t.id = old.id AND old.state IN ('queued', 'running') "
        + "RETURNING old.state, t.attempts, t.redeliveries, t.handed_back, old.unstored")) {
      s.setString(1, id);
      s.setLong(2, now.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return new Attempt(Start.SKIPPED, 0, 0, 0, Optional.empty()); // unknown, final or cancelled
        }
        Start start = TaskState.ofWire(r.getString(1)) == TaskState.RUNNING ? Start.REDELIVERED : Start.STARTED;
        return new Attempt(start, r.getInt(2), r.getInt(3), r.getInt(4), unstored(start, r.getString(5)));
      }
    }
  }

  private Attempt startAttemptOneTransaction(String id, Instant now) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Attempt attempt;
        try (PreparedStatement s = c.prepareStatement("SELECT state, attempts, redeliveries, handed_back, unstored FROM "
            + table + " WHERE id = ? FOR UPDATE")) {
          s.setString(1, id);
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              attempt = new Attempt(Start.SKIPPED, 0, 0, 0, Optional.empty());
            } else {
              TaskState state = TaskState.ofWire(r.getString(1));
              int number = r.getInt(2) + 1;
              int redeliveries = r.getInt(3);
              int handedBack = r.getInt(4);
              attempt = state == TaskState.QUEUED
                  ? new Attempt(Start.STARTED, number, redeliveries, handedBack, Optional.empty())
                  : state == TaskState.RUNNING
                      ? new Attempt(Start.REDELIVERED, number, redeliveries + 1, handedBack,
                          unstored(Start.REDELIVERED, r.getString(5)))
                      : new Attempt(Start.SKIPPED, r.getInt(2), redeliveries, handedBack, Optional.empty());
            }
          }
        }
        if (attempt.start() != Start.SKIPPED) {
          try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET state = 'running', attempts = ?, "
              + "redeliveries = redeliveries + ?, unstored = NULL, updated_ms = ? WHERE id = ?")) {
            s.setInt(1, attempt.number());
            s.setInt(2, attempt.start() == Start.REDELIVERED ? 1 : 0);
            s.setLong(3, now.toEpochMilli());
            s.setString(4, id);
            s.executeUpdate();
          }
        }
        c.commit();
        return attempt;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The note of a redelivered attempt's predecessor; a task found queued had its outcome stored. */
  private static Optional<String> unstored(Start start, String note) {
    return start == Start.REDELIVERED ? Optional.ofNullable(note) : Optional.empty();
  }

  /**
   * Notes on a running task why its attempt's outcome could not be stored, as the store's failure
   * leaves it running for a redelivery: the next start reads it ({@link Attempt#unstored}), and so
   * does not take the redelivery for a worker's death. Cleared by that start.
   */
  void outcomeUnstored(String id, String why) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE " + table
        + " SET unstored = ? WHERE id = ? AND state = 'running'")) {
      s.setString(1, clip(why));
      s.setString(2, id);
      s.executeUpdate();
    }
  }

  /** Marks a recurring run's attempt succeeded, with its result as {@link #resultJson} wrote it ({@link #onceMore}). */
  void succeeded(String id, String value, Instant now) throws SQLException {
    onceMore(id, () -> {
      finish(SUCCEEDED.formatted(table), value, now, id);
      return null;
    });
  }

  /** A write that may fail. */
  private interface Write<T> {
    T run() throws SQLException;
  }

  /**
   * Runs a handler's success's write, and once more at once if the store refused it: a refusal that
   * does not repeat (a serialization failure, a broken pooled connection) otherwise left the task
   * running for a redelivery that ran the handler again, or, with {@code maxRedeliveries(0)},
   * failed a task whose work was done. Both writes are guarded by the state, so a first one that
   * was stored though it reported a failure makes the second change nothing. A refusal the second
   * write got past is logged, so that a store refusing now and then is seen.
   */
  private static <T> T onceMore(String id, Write<T> write) throws SQLException {
    try {
      return write.run();
    } catch (SQLException refused) {
      try {
        T written = write.run();
        LOG.log(System.Logger.Level.WARNING, "task store refused the success of " + id
            + " and stored it when written once more: " + refused.getMessage(), refused);
        return written;
      } catch (SQLException again) {
        again.addSuppressed(refused);
        throw again;
      }
    }
  }

  /**
   * Marks a one-off task's attempt succeeded, with its result as {@link #resultJson} wrote it. On PostgreSQL the same statement deletes db-scheduler's execution
   * (if still the version this attempt claimed), saving a round trip at the end of every task:
   * then true, else the caller must still have db-scheduler delete it. Tried once more if refused ({@link #onceMore}).
   */
  boolean succeededAndRemoved(String id, String value, Instant now, Execution execution) throws SQLException {
    return onceMore(id, () -> succeededAndRemovedOnce(id, value, now, execution));
  }

  private boolean succeededAndRemovedOnce(String id, String value, Instant now, Execution execution) throws SQLException {
    if (!postgres) {
      finish(SUCCEEDED.formatted(table), value, now, id);
      return false;
    }
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("WITH done AS ("
        + SUCCEEDED.formatted(table) + ") DELETE FROM " + executionTable + " WHERE task_name = ? AND task_instance = ? AND version = ?")) {
      s.setString(1, value);
      s.setLong(2, now.toEpochMilli());
      s.setString(3, id);
      s.setString(4, execution.taskInstance.getTaskName());
      s.setString(5, execution.taskInstance.getId());
      s.setLong(6, execution.version);
      s.executeUpdate(); // no row: another worker took the execution over meanwhile and will skip it
    }
    return true;
  }

  void failed(String id, String error, Instant now) throws SQLException {
    finish("UPDATE " + table + " SET state = 'failed', error = ?, updated_ms = ? WHERE id = ? AND state = 'running'",
        clip(error), now, id);
  }

  /** Back to queued until {@code runAt}: after a failed attempt the policy retries. */
  void requeued(String id, String error, Instant runAt, Instant now) throws SQLException {
    requeue(id, error, runAt, now, "");
  }

  /**
   * Back to queued until {@code runAt}, handed back by a draining worker: the attempt is counted
   * as handed back, so it spends none of the retry policy's attempts.
   */
  void handedBack(String id, String error, Instant runAt, Instant now) throws SQLException {
    requeue(id, error, runAt, now, ", handed_back = handed_back + 1");
  }

  private void requeue(String id, String error, Instant runAt, Instant now, String alsoSet) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE " + table
        + " SET state = 'queued', error = ?, run_at_ms = ?, updated_ms = ?" + alsoSet + " WHERE id = ? AND state = 'running'")) {
      s.setString(1, clip(error));
      s.setLong(2, runAt.toEpochMilli());
      s.setLong(3, now.toEpochMilli());
      s.setString(4, id);
      s.executeUpdate();
    }
  }

  /** Cancels a queued task; false if it is not queued (running, final or unknown). */
  boolean cancel(String id, Instant now) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE " + table
        + " SET state = 'cancelled', updated_ms = ? WHERE id = ? AND state = 'queued'")) {
      s.setLong(1, now.toEpochMilli());
      s.setString(2, id);
      return s.executeUpdate() == 1;
    }
  }

  /** Tasks per state, with their redeliveries in all. */
  Counts counts() throws SQLException {
    Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
    for (TaskState st : TaskState.values()) {
      byState.put(st, 0L);
    }
    long redeliveries = 0;
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT state, COUNT(*), COALESCE(SUM(redeliveries), 0) FROM " + table + " GROUP BY state");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        byState.put(TaskState.ofWire(r.getString(1)), r.getLong(2));
        redeliveries += r.getLong(3);
      }
    }
    return new Counts(byState, redeliveries);
  }

  /** The due time of the queued task that has been due the longest; empty if none is due yet. */
  Optional<Instant> oldestDue(Instant now) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT MIN(run_at_ms) FROM " + table + " WHERE state = 'queued' AND run_at_ms <= ?")) {
      s.setLong(1, now.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long due = r.getLong(1);
        return r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(due));
      }
    }
  }

  /**
   * Tasks stored per type name: db-scheduler's executions, so the one-off tasks waiting or running
   * and each recurring type's schedule.
   */
  Map<String, Long> storedByName() throws SQLException {
    Map<String, Long> byName = new java.util.TreeMap<>();
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT task_name, COUNT(*) FROM " + executionTable + " GROUP BY task_name");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        byName.put(r.getString(1), r.getLong(2));
      }
    }
    return byName;
  }

  /**
   * The distinct due times, soonest first and at most {@code limit}, of the tasks queued for after
   * {@code now}: delayed tasks and retries waiting out their backoff.
   */
  java.util.List<Instant> dueAfter(Instant now, int limit) throws SQLException {
    java.util.List<Instant> due = new java.util.ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT DISTINCT run_at_ms FROM "
        + table + " WHERE state = 'queued' AND run_at_ms > ? ORDER BY run_at_ms LIMIT " + limit)) {
      s.setLong(1, now.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          due.add(Instant.ofEpochMilli(r.getLong(1)));
        }
      }
    }
    return due;
  }

  /**
   * Deletes up to {@code limit} rows of tasks that ended (succeeded, failed, cancelled) before
   * {@code endedBefore}, and returns how many. An ended row's {@code updated_ms} is its end: every
   * transition is guarded by the state it leaves, and none leaves an ended state. A row whose
   * execution is still stored (its worker's completion not yet written, or a dead worker's, not yet
   * revived and skipped) stays until it is gone: an enqueue of the same id (its key) would collide
   * with it. A recurring run's row stays while its type's execution has not moved past the run's due
   * time: a run whose worker died between writing its end and that move is revived at its due time,
   * and must find its row ended rather than run again. On PostgreSQL, rows another worker is deleting
   * are skipped, not waited for.
   */
  int expireEnded(Instant endedBefore, int limit) throws SQLException {
    String due = postgres ? "TIMESTAMPTZ 'epoch' + s.run_at_ms * INTERVAL '1 millisecond'"
        : "DATEADD(MILLISECOND, s.run_at_ms, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00')";
    String doomed = "SELECT s.id FROM " + table + " s WHERE s.state IN " + ENDED_STATES + " AND s.updated_ms < ? "
        + "AND NOT EXISTS (SELECT 1 FROM " + executionTable + " e WHERE e.task_name = s.name AND e.task_instance = s.id) "
        // A run's id has an '@', a one-off's (a UUID) none. Under the OR, PostgreSQL looks the type's one
        // execution (db-scheduler's instance "recurring") up by primary key for runs only; as an anti-join
        // it scanned the whole execution table on every batch.
        + "AND (s.id NOT LIKE '%@%' OR NOT EXISTS (SELECT 1 FROM " + executionTable + " r WHERE r.task_name = s.name "
        + "AND r.task_instance = '" + com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE + "' "
        + "AND r.execution_time <= " + due + ")) "
        + "LIMIT " + limit;
    // PostgreSQL: the ids as an array, so the delete finds them by primary key (with IN (...) it
    // planned a scan of the whole table per batch).
    String sql = "DELETE FROM " + table + " WHERE state IN " + ENDED_STATES
        + (postgres ? " AND id = ANY(ARRAY(" + doomed + " FOR UPDATE SKIP LOCKED))" : " AND id IN (" + doomed + ")");
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, endedBefore.toEpochMilli());
      return s.executeUpdate();
    }
  }

  /** What {@link #counts()} found. */
  record Counts(Map<TaskState, Long> byState, long redeliveries) {}

  private void finish(String sql, String value, Instant now, String id) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, value);
      s.setLong(2, now.toEpochMilli());
      s.setString(3, id);
      s.executeUpdate();
    }
  }

  /**
   * A result as stored: its JSON, or null for none.
   *
   * @throws RuntimeException if the codec cannot write it, or cannot read what it wrote (a string or
   *     number past its reading limits): {@link #find} would then fail on the task for good
   */
  String resultJson(Object result) {
    if (result == null) {
      return null;
    }
    byte[] written = json.write(result);
    json.readValue(written, JsonNode.class);
    return new String(written, StandardCharsets.UTF_8);
  }

  /**
   * The error as stored: at most {@code MAX_ERROR} characters, NUL written as {@code \0}
   * (PostgreSQL's text refuses NUL, and a message may quote raw input that holds one).
   */
  private static String clip(String error) {
    if (error == null) {
      return null;
    }
    String text = error.indexOf('\0') < 0 ? error : error.replace("\0", "\\0");
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
  }
}
