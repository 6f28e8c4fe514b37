package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the distributed tests use: {@code LANES_TEST_POSTGRES} (a JDBC URL) or
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}, no password.
 */
final class PostgresStore {
  static final String URL = Optional.ofNullable(System.getenv("LANES_TEST_POSTGRES"))
      .orElse("jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = "postgres";

  private PostgresStore() {}

  private static volatile Optional<String> unreachable;

  /** Aborts (skips) the calling test when PostgreSQL does not answer, saying so; asks once per JVM. */
  static void assumeReachable() {
    Optional<String> why = unreachable;
    if (why == null) {
      why = probe();
      unreachable = why;
    }
    why.ifPresent(Assumptions::abort);
  }

  private static Optional<String> probe() {
    try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3", USER, "")) {
      return c.isValid(3) ? Optional.empty() : Optional.of("PostgreSQL at " + URL + " does not answer");
    } catch (SQLException e) {
      return Optional.of("no PostgreSQL at " + URL + " (user " + USER + "): " + e.getMessage()
          + " -- the distributed task tests need one (LANES_TEST_POSTGRES names another)");
    }
  }

  static Tasks.Builder builder(String tablePrefix) {
    return Tasks.builder().database(URL).credentials(USER, Optional.empty()).tablePrefix(tablePrefix);
  }

  /** Drops a test's tables; nothing to do where the tests were skipped. */
  static void drop(String tablePrefix) throws SQLException {
    Optional<String> why = unreachable;
    if (why == null || why.isPresent()) {
      return;
    }
    try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "scheduled_tasks");
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "tasks");
      // a test's trigger functions, if any (dropping the table drops the trigger, not its function)
      s.execute("DROP FUNCTION IF EXISTS " + tablePrefix + "refuse()");
      s.execute("DROP FUNCTION IF EXISTS " + tablePrefix + "refuse_every()");
      s.execute("DROP SEQUENCE IF EXISTS " + tablePrefix + "refused");
    }
  }
}
