package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Stores new tasks, a batch at a time: our status rows and db-scheduler's execution rows together,
 * in one transaction. On PostgreSQL a batch is one statement (one round trip, one commit) of the
 * same text whatever the batch's size: the rows go as arrays, and the execution rows are only
 * added for the status rows that were new. On H2 it is one transaction of
 * two INSERTs per task. Going through db-scheduler's client instead cost three round trips and two
 * transactions per task (our INSERT, its SELECT then INSERT). The execution rows are written as
 * db-scheduler's own insert writes them (its table layout is documented and versioned with the
 * library). On PostgreSQL a batch with tasks due now also notifies the workers' channel
 * ({@link DueNotifications}) in its transaction, so they claim at once rather than at their next poll.
 */
final class TaskInsert {
  /** One task to store. */
  record Row(String id, String name, byte[] payload, Instant now, Instant due) {}

  /** The most rows in one batch (one statement on PostgreSQL, one transaction on H2). */
  static final int MAX_BATCH = 256;

  /**
   * The most payload bytes in one batch, unless one payload alone is larger: 64 MiB, so a batch
   * stays far below PostgreSQL's 1 GB for the one array value its payloads travel in.
   */
  static final long MAX_BATCH_BYTES = 64L << 20;

  private final DataSource db;
  private final JdbcCustomization dialect;
  private final boolean postgres;
  private final String statusTable;
  private final String executionTable;
  private final String statusSql;
  private final String executionSql;
  private final String batchSql;
  private final String dueChannel;

  TaskInsert(DataSource db, JdbcCustomization dialect, boolean postgres, String statusTable, String executionTable,
      String dueChannel) {
    this.db = db;
    this.dueChannel = dueChannel;
    this.dialect = dialect;
    this.postgres = postgres;
    this.statusTable = statusTable;
    this.executionTable = executionTable;
    this.statusSql = "INSERT INTO " + statusTable
        + " (id, name, state, attempts, redeliveries, enqueued_ms, run_at_ms, updated_ms) VALUES (?, ?, 'queued', 0, 0, ?, ?, ?)";
    this.executionSql = "INSERT INTO " + executionTable
        + " (task_name, task_instance, task_data, execution_time, picked, version) VALUES (?, ?, ?, ?, FALSE, 1)";
    // One text for every batch size (the rows go as six arrays), so the driver prepares it once
    // per connection and PostgreSQL plans it once, not once per distinct row count.
    this.batchSql = "WITH input AS (SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::bytea[], ?::int8[], ?::int8[], ?::int8[])"
        + " AS i (id, name, data, enqueued_ms, run_at_ms, due_us)), added AS (INSERT INTO " + statusTable
        + " (id, name, state, attempts, redeliveries, enqueued_ms, run_at_ms, updated_ms)"
        + " SELECT id, name, 'queued', 0, 0, enqueued_ms, run_at_ms, enqueued_ms FROM input"
        + " ON CONFLICT (id) DO NOTHING RETURNING id), stored AS (INSERT INTO " + executionTable
        + " (task_name, task_instance, task_data, execution_time, picked, version)"
        + " SELECT i.name, i.id, i.data, TIMESTAMPTZ 'epoch' + i.due_us * INTERVAL '1 microsecond', FALSE, 1"
        + " FROM input i JOIN added a ON a.id = i.id RETURNING task_instance)"
        // With tasks due now, the workers' channel is notified in the same transaction (PostgreSQL
        // delivers one notification per transaction and channel however many rows call it).
        + " SELECT task_instance, CASE WHEN ? THEN pg_notify(?, '') END FROM stored";
  }

  /**
   * Adds the tasks all or none (an exception stores none) and returns the ids that were new; an
   * id stored already (an idempotent re-enqueue), or repeated in {@code rows}, is kept as it was.
   */
  Set<String> insertAll(List<Row> rows) throws SQLException {
    if (rows.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " rows at once, got " + rows.size());
    }
    // In id order: writers of other processes storing some of the same ids (the same keys) then
    // lock them in one order, so they wait for each other instead of deadlocking, which failed both
    // batches, every enqueue in them.
    Map<String, Row> distinct = new TreeMap<>();
    rows.forEach(r -> distinct.putIfAbsent(r.id(), r));
    List<Row> unique = List.copyOf(distinct.values());
    if (unique.isEmpty()) {
      return Set.of();
    }
    return postgres ? insertOneStatement(unique) : insertOneTransaction(unique);
  }

  private Set<String> insertOneStatement(List<Row> rows) throws SQLException {
    int n = rows.size();
    String[] ids = new String[n];
    String[] names = new String[n];
    byte[][] data = new byte[n][];
    Long[] enqueued = new Long[n];
    Long[] runAt = new Long[n];
    Long[] dueMicros = new Long[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      ids[i] = r.id();
      names[i] = r.name();
      data[i] = r.payload();
      enqueued[i] = r.now().toEpochMilli();
      runAt[i] = r.due().toEpochMilli();
      dueMicros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, r.due());
    }
    Set<String> added = new HashSet<>();
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(batchSql)) {
      s.setArray(1, c.createArrayOf("varchar", ids));
      s.setArray(2, c.createArrayOf("varchar", names));
      s.setArray(3, c.createArrayOf("bytea", data));
      s.setArray(4, c.createArrayOf("int8", enqueued));
      s.setArray(5, c.createArrayOf("int8", runAt));
      s.setArray(6, c.createArrayOf("int8", dueMicros));
      s.setBoolean(7, rows.stream().anyMatch(r -> !r.due().isAfter(r.now())));
      s.setString(8, dueChannel);
      try (ResultSet rs = s.executeQuery()) { // autocommit: the statement is its own transaction
        while (rs.next()) {
          added.add(rs.getString(1));
        }
      }
    }
    return added;
  }

  private Set<String> insertOneTransaction(List<Row> rows) throws SQLException {
    Set<String> added = new HashSet<>();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement status = c.prepareStatement(statusSql); PreparedStatement execution = c.prepareStatement(executionSql)) {
        for (Row r : rows) {
          status.setString(1, r.id());
          status.setString(2, r.name());
          status.setLong(3, r.now().toEpochMilli());
          status.setLong(4, r.due().toEpochMilli());
          status.setLong(5, r.now().toEpochMilli());
          try {
            status.executeUpdate();
          } catch (SQLException e) {
            // H2 keeps the transaction usable after a failed statement: skip an id that exists.
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
              continue;
            }
            throw e;
          }
          execution.setString(1, r.name());
          execution.setString(2, r.id());
          dialect.setTaskData(execution, 3, r.payload());
          dialect.setInstant(execution, 4, r.due());
          execution.executeUpdate();
          added.add(r.id());
        }
        c.commit();
        return added;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }
}
