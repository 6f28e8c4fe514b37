package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The task store's connection pool and tables: db-scheduler's execution table and our status
 * table, created if missing. H2 (in memory or a local file) and PostgreSQL are supported.
 */
final class TaskDatabase implements AutoCloseable {
  private final HikariDataSource pool;
  private final boolean postgres;
  /** The in-memory database of this store alone (no URL given), shut down on close. */
  private final boolean ownInMemory;
  private final String executions;
  private final String statuses;

  private TaskDatabase(HikariDataSource pool, boolean postgres, boolean ownInMemory, String prefix) {
    this.pool = pool;
    this.postgres = postgres;
    this.ownInMemory = ownInMemory;
    this.executions = prefix + "scheduled_tasks";
    this.statuses = prefix + "tasks";
  }

  /**
   * Opens {@code url} (an in-memory H2 database of its own when empty) and creates the tables.
   *
   * @throws IllegalArgumentException for a database other than H2 or PostgreSQL
   * @throws IllegalStateException if the database cannot be reached or the tables not created
   */
  static TaskDatabase open(Optional<String> url, Optional<String> user, Optional<String> password,
      String tablePrefix, int poolSize) {
    // DB_CLOSE_DELAY=-1: the pool may replace its last connection without losing the database;
    // close() shuts it down instead.
    String jdbcUrl = url.orElse("jdbc:h2:mem:lanes-tasks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:") && !lower.contains("db_close_on_exit")) {
      // H2 would close itself in a JVM shutdown hook, under a worker still draining on SIGTERM.
      jdbcUrl += ";DB_CLOSE_ON_EXIT=FALSE";
      lower = jdbcUrl.toLowerCase(Locale.ROOT);
    }
    if (lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:mem:") && !lower.contains("write_delay")) {
      // H2 writes commits to its file up to 500 ms late by default: a kill -9 then loses tasks
      // whose enqueue already returned (measured: two of ten). 0 writes each commit at once.
      jdbcUrl += ";WRITE_DELAY=0";
      lower = jdbcUrl.toLowerCase(Locale.ROOT);
    }
    boolean postgres = lower.startsWith("jdbc:postgresql:");
    if (!postgres && !lower.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("tasks database must be jdbc:h2:... or jdbc:postgresql:..., got " + jdbcUrl);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    user.ifPresent(config::setUsername);
    password.ifPresent(config::setPassword);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("lanes-tasks");
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open tasks database " + jdbcUrl + ": " + rootMessage(e), e);
    }
    // A named in-memory URL may be shared by other stores of this JVM: shutting it down would drop
    // their tables.
    TaskDatabase db = new TaskDatabase(pool, postgres, url.isEmpty(), tablePrefix);
    try {
      db.createTables();
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw new IllegalStateException("cannot create the task tables in " + jdbcUrl + ": " + rootMessage(e), e);
    }
    return db;
  }

  /** db-scheduler's SQL dialect: PostgreSQL's (with SKIP LOCKED), else the generic one. */
  JdbcCustomization dialect() {
    // Both table layouts keep the zone (TIMESTAMP WITH TIME ZONE).
    return postgres ? new PostgreSqlJdbcCustomization(false, false) : new DefaultJdbcCustomization(false);
  }

  /** Whether the store is PostgreSQL (else H2). */
  boolean postgres() {
    return postgres;
  }

  DataSource dataSource() {
    return pool;
  }

  /** A connection outside the pool, for one held for good (a listener); the caller closes it. */
  Connection openUnpooled() throws SQLException {
    return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
  }

  String executionTable() {
    return executions;
  }

  String statusTable() {
    return statuses;
  }

  /** The PostgreSQL channel enqueues notify when tasks are due now ({@link DueNotifications}). */
  String dueChannel() {
    return executions + "_due";
  }

  private void createTables() throws SQLException {
    String binary = postgres ? "BYTEA" : "VARBINARY";
    String text = postgres ? "TEXT" : "CHARACTER LARGE OBJECT";
    List<String> ddl = List.of(
        "CREATE TABLE IF NOT EXISTS " + executions + " ("
            + "task_name VARCHAR(100) NOT NULL, task_instance VARCHAR(100) NOT NULL, task_data " + binary + ", "
            + "execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL, picked_by VARCHAR(200), "
            + "last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE, "
            + "consecutive_failures INT, last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, "
            + "priority SMALLINT, PRIMARY KEY (task_name, task_instance))",
        "CREATE INDEX IF NOT EXISTS " + executions + "_execution_time_idx ON " + executions + " (execution_time)",
        "CREATE INDEX IF NOT EXISTS " + executions + "_last_heartbeat_idx ON " + executions + " (last_heartbeat)",
        "CREATE TABLE IF NOT EXISTS " + statuses + " ("
            + "id VARCHAR(64) PRIMARY KEY, name VARCHAR(100) NOT NULL, state VARCHAR(16) NOT NULL, "
            + "attempts INT NOT NULL, redeliveries INT NOT NULL, result " + text + ", error " + text + ", "
            + "enqueued_ms BIGINT NOT NULL, run_at_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, "
            + "handed_back INT DEFAULT 0 NOT NULL, unstored " + text + ")",
        "CREATE INDEX IF NOT EXISTS " + statuses + "_state_idx ON " + statuses + " (state)",
        // The expiry's search (EndedTaskExpiry): ended rows by their end time. On PostgreSQL only the
        // ended rows are in it, so a task's earlier transitions do not write to it.
        postgres
            ? "CREATE INDEX IF NOT EXISTS " + statuses + "_ended_idx ON " + statuses + " (updated_ms) WHERE state IN "
                + StatusTable.ENDED_STATES
            : "CREATE INDEX IF NOT EXISTS " + statuses + "_ended_idx ON " + statuses + " (state, updated_ms)");
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        if (postgres) {
          // Workers starting together would race on CREATE ... IF NOT EXISTS; one at a time.
          s.execute("SELECT pg_advisory_xact_lock(" + statuses.hashCode() + ")");
        }
        for (String sql : ddl) {
          s.execute(sql);
        }
        // A table created before the column: the hand-backs of its running tasks start at 0.
        addColumnIfAbsent(c, s, "handed_back", "INT DEFAULT 0 NOT NULL");
        // A table created before the column: no running task has a note (StatusTable.outcomeUnstored).
        addColumnIfAbsent(c, s, "unstored", text);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Adds {@code column} to the status table if it lacks it. On H2 with {@code IF NOT EXISTS}, one
   * statement, so two stores of one JVM upgrading at once do not both add it. On PostgreSQL the
   * advisory lock held makes the check and the add one step, and the check spares every start an
   * ALTER TABLE, which locks the table exclusively even when the column is there.
   */
  private void addColumnIfAbsent(Connection c, Statement s, String column, String definition) throws SQLException {
    if (!postgres) {
      s.execute("ALTER TABLE " + statuses + " ADD COLUMN IF NOT EXISTS " + column + " " + definition);
    } else if (!hasColumn(c, statuses, column)) {
      s.execute("ALTER TABLE " + statuses + " ADD COLUMN " + column + " " + definition);
    }
  }

  /** Whether {@code table} has {@code column}, as the database stores unquoted names (H2 in upper case). */
  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    java.sql.DatabaseMetaData meta = c.getMetaData();
    boolean upper = meta.storesUpperCaseIdentifiers();
    String escape = meta.getSearchStringEscape();
    // getColumns takes patterns: escaped, the '_' in a name matches only itself.
    try (java.sql.ResultSet r = meta.getColumns(null, literal(c.getSchema(), escape),
        literal(upper ? table.toUpperCase(Locale.ROOT) : table, escape),
        literal(upper ? column.toUpperCase(Locale.ROOT) : column, escape))) {
      return r.next();
    }
  }

  /** {@code name} as a DatabaseMetaData pattern matching only itself. */
  private static String literal(String name, String escape) {
    if (name == null || escape == null || escape.isEmpty()) {
      return name;
    }
    return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
  }

  /** Drops both tables (tests use a table prefix of their own). */
  void dropTables() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + executions);
      s.execute("DROP TABLE IF EXISTS " + statuses);
    }
  }

  @Override
  public void close() {
    if (ownInMemory && !pool.isClosed()) {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        // closing anyway; an in-memory database that failed to shut down is garbage either way
      }
    }
    pool.close();
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
