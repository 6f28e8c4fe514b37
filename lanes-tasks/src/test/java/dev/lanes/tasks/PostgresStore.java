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

  /** Aborts (skips) the calling test class when PostgreSQL does not answer, saying so. */
  static void assumeReachable() {
    try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3", USER, "")) {
      Assumptions.assumeTrue(c.isValid(3), "PostgreSQL at " + URL + " is not valid");
    } catch (SQLException e) {
      Assumptions.abort("skipped: no PostgreSQL at " + URL + " (user " + USER + "): " + e.getMessage()
          + " -- the distributed task tests need one (set LANES_TEST_POSTGRES to use another)");
    }
  }

  static Tasks.Builder builder(String tablePrefix) {
    return Tasks.builder().database(URL).credentials(USER, Optional.empty()).tablePrefix(tablePrefix);
  }

  static void drop(String tablePrefix) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "scheduled_tasks");
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "tasks");
    }
  }
}
