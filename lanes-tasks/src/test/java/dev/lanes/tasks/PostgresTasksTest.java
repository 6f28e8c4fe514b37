package dev.lanes.tasks;

import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared suite on PostgreSQL (distributed mode): skipped, with the reason, when no server
 * answers at {@link PostgresStore#URL}. Each test has tables of its own, dropped after it.
 */
class PostgresTasksTest extends TaskSuite {
  private final String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";

  @BeforeEach
  void requirePostgres() {
    PostgresStore.assumeReachable();
  }

  @Override
  Tasks.Builder store() {
    return PostgresStore.builder(prefix);
  }

  @Override
  boolean growingTheLaneTakesEffectAtOnce() {
    return false;
  }

  @Override
  void dropStore() throws SQLException {
    PostgresStore.drop(prefix);
  }
}
