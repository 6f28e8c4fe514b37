package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch insert on both stores: all rows or none, existing and repeated ids kept as they were. */
class TaskInsertTest {
  private final String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
  private TaskDatabase db;

  @AfterEach
  void close() throws SQLException {
    if (db != null) {
      db.dropTables();
      db.close();
    }
  }

  private TaskInsert open(boolean postgres) {
    if (postgres) {
      PostgresStore.assumeReachable();
      db = TaskDatabase.open(Optional.of(PostgresStore.URL), Optional.of(PostgresStore.USER), Optional.empty(), prefix, 2);
    } else {
      db = TaskDatabase.open(Optional.empty(), Optional.empty(), Optional.empty(), prefix, 2);
    }
    return new TaskInsert(db.dataSource(), db.dialect(), db.postgres(), db.statusTable(), db.executionTable(), db.dueChannel());
  }

  private static TaskInsert.Row row(String id, String name) {
    Instant now = Instant.now();
    return new TaskInsert.Row(id, name, "{}".getBytes(), now, now);
  }

  private long count(String table) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void postgresBatch() throws SQLException {
    check(open(true));
  }

  @Test
  void h2Batch() throws SQLException {
    check(open(false));
  }

  @Test
  void postgresFailingBatchStoresNothing() throws SQLException {
    checkFailure(open(true));
  }

  @Test
  void h2FailingBatchStoresNothing() throws SQLException {
    checkFailure(open(false));
  }

  private void check(TaskInsert insert) throws SQLException {
    assertThat(insert.insertAll(List.of(row("a", "t")))).containsExactly("a");

    // "a" exists already; "b" twice in the batch
    assertThat(insert.insertAll(List.of(row("a", "t"), row("b", "t"), row("b", "t"), row("c", "t"))))
        .containsExactlyInAnyOrder("b", "c");
    assertThat(count(db.statusTable())).isEqualTo(3);
    assertThat(count(db.executionTable())).isEqualTo(3);
  }

  @Test
  void postgresStoresRowsAsGiven() throws SQLException {
    checkValues(open(true));
  }

  @Test
  void h2StoresRowsAsGiven() throws SQLException {
    checkValues(open(false));
  }

  private void checkValues(TaskInsert insert) throws SQLException {
    Instant now = Instant.parse("2026-12-01T04:30:00.123456Z");
    Instant due = Instant.parse("2026-12-01T04:31:02.654321Z");
    byte[] payload = {'{', '"', (byte) 0xc3, (byte) 0xa9, '"', ':', 0, (byte) 0xff, '}'}; // any bytes, kept as they are
    assertThat(insert.insertAll(List.of(new TaskInsert.Row("x", "t1", payload, now, due), row("y", "t2")))).hasSize(2);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT task_name, task_data, execution_time, picked, version FROM "
          + db.executionTable() + " WHERE task_instance = 'x'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("t1");
        assertThat(r.getBytes(2)).isEqualTo(payload);
        assertThat(r.getObject(3, java.time.OffsetDateTime.class).toInstant()).isEqualTo(due);
        assertThat(r.getBoolean(4)).isFalse();
        assertThat(r.getLong(5)).isEqualTo(1);
      }
      try (ResultSet r = s.executeQuery("SELECT name, state, attempts, redeliveries, enqueued_ms, run_at_ms, updated_ms FROM "
          + db.statusTable() + " WHERE id = 'x'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("t1");
        assertThat(r.getString(2)).isEqualTo("queued");
        assertThat(r.getInt(3)).isZero();
        assertThat(r.getInt(4)).isZero();
        assertThat(r.getLong(5)).isEqualTo(now.toEpochMilli());
        assertThat(r.getLong(6)).isEqualTo(due.toEpochMilli());
        assertThat(r.getLong(7)).isEqualTo(now.toEpochMilli());
      }
    }
  }

  private void checkFailure(TaskInsert insert) throws SQLException {
    String tooLong = "n".repeat(101); // the name columns are VARCHAR(100)
    assertThatThrownBy(() -> insert.insertAll(List.of(row("a", "t"), row("b", tooLong), row("c", "t"))))
        .isInstanceOf(SQLException.class);
    assertThat(count(db.statusTable())).isZero();
    assertThat(count(db.executionTable())).isZero();
    assertThat(insert.insertAll(List.of(row("a", "t")))).containsExactly("a"); // the store still works
  }
}
