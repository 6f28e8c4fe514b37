package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
  Connection connect() throws SQLException {
    return DriverManager.getConnection(PostgresStore.URL, PostgresStore.USER, "");
  }

  @Override
  String tablePrefix() {
    return prefix;
  }

  @Override
  void refuseOnce(String state) throws SQLException {
    // A sequence counts the writes: nextval is not rolled back with the refused statement.
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE SEQUENCE " + prefix + "refused");
      s.execute("CREATE FUNCTION " + prefix + "refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "IF NEW.state = '" + state + "' THEN IF nextval('" + prefix + "refused') = 1 THEN "
          + "RAISE EXCEPTION 'refused once: the write of state %', NEW.state; END IF; END IF; RETURN NEW; END $$");
      s.execute("CREATE TRIGGER " + prefix + "refuse BEFORE UPDATE ON " + prefix + "tasks FOR EACH ROW EXECUTE FUNCTION "
          + prefix + "refuse()");
    }
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
