package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Stores a new task: our status row and db-scheduler's execution row together, so an enqueue is
 * one round trip on PostgreSQL (one statement whose second INSERT only runs if the first added a
 * row) and one transaction on H2. Going through db-scheduler's client instead cost three round
 * trips and two transactions (our INSERT, its SELECT then INSERT), which was most of an enqueue's
 * latency. The execution row is written as db-scheduler's own insert writes it (its table layout
 * is documented and versioned with the library).
 */
final class TaskInsert {
  private final DataSource db;
  private final JdbcCustomization dialect;
  private final boolean postgres;
  private final String statusSql;
  private final String executionSql;
  private final String combinedSql;

  TaskInsert(DataSource db, JdbcCustomization dialect, boolean postgres, String statusTable, String executionTable) {
    this.db = db;
    this.dialect = dialect;
    this.postgres = postgres;
    this.statusSql = "INSERT INTO " + statusTable
        + " (id, name, state, attempts, redeliveries, enqueued_ms, run_at_ms, updated_ms) VALUES (?, ?, 'queued', 0, 0, ?, ?, ?)";
    this.executionSql = "INSERT INTO " + executionTable
        + " (task_name, task_instance, task_data, execution_time, picked, version) VALUES (?, ?, ?, ?, FALSE, 1)";
    this.combinedSql = "WITH added AS (" + statusSql + " ON CONFLICT (id) DO NOTHING RETURNING id) "
        + "INSERT INTO " + executionTable + " (task_name, task_instance, task_data, execution_time, picked, version) "
        + "SELECT ?, id, ?, ?, FALSE, 1 FROM added";
  }

  /** Adds the task; false if a task with this id exists already (an idempotent re-enqueue). */
  boolean insert(String id, String name, byte[] payload, Instant now, Instant due) throws SQLException {
    return postgres ? insertOneStatement(id, name, payload, now, due) : insertOneTransaction(id, name, payload, now, due);
  }

  private boolean insertOneStatement(String id, String name, byte[] payload, Instant now, Instant due)
      throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(combinedSql)) {
      int i = setStatus(s, id, name, now, due);
      s.setString(i++, name);
      dialect.setTaskData(s, i++, payload);
      dialect.setInstant(s, i, due);
      return s.executeUpdate() == 1;
    }
  }

  private boolean insertOneTransaction(String id, String name, byte[] payload, Instant now, Instant due)
      throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement(statusSql)) {
          setStatus(s, id, name, now, due);
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(executionSql)) {
          s.setString(1, name);
          s.setString(2, id);
          dialect.setTaskData(s, 3, payload);
          dialect.setInstant(s, 4, due);
          s.executeUpdate();
        }
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        if (e.getSQLState() != null && e.getSQLState().startsWith("23")) { // integrity constraint: the id exists
          return false;
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static int setStatus(PreparedStatement s, String id, String name, Instant now, Instant due) throws SQLException {
    s.setString(1, id);
    s.setString(2, name);
    s.setLong(3, now.toEpochMilli());
    s.setLong(4, due.toEpochMilli());
    s.setLong(5, now.toEpochMilli());
    return 6;
  }
}
