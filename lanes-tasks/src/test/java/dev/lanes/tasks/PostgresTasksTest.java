package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
  void refuseEvery(String state) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION " + prefix + "refuse_every() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "IF NEW.state = '" + state + "' THEN RAISE EXCEPTION 'refused every time: the write of state %', NEW.state; "
          + "END IF; RETURN NEW; END $$");
      s.execute("CREATE TRIGGER " + prefix + "refuse_every BEFORE UPDATE ON " + prefix + "tasks FOR EACH ROW "
          + "EXECUTE FUNCTION " + prefix + "refuse_every()");
    }
  }

  @Test
  void aWorkerClaimsOnlyTasksOfTypesItRegistered() throws Exception {
    TaskType<Job> job = TaskType.of("job", Job.class, j -> "ran");
    TaskType<Job> other = TaskType.of("other", Job.class, j -> "other");
    Tasks web = start(store().type(job).type(other).workers(false), 1);
    Tasks otherPool = start(store().type(other), 2); // a pool of workers for another type
    String id = web.enqueue(job, new Job("x", 1));
    String later = web.enqueue(other, new Job("y", 2));
    awaitState(otherPool, later, TaskState.SUCCEEDED); // its claims since 'job' was due took 'job' first

    // It claimed 'job', could not run it, and left it claimed: the worker for it ran it only once
    // that claim was taken for a dead worker's, 8 s on.
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT picked FROM " + tablePrefix() + "scheduled_tasks WHERE task_name = 'job'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getBoolean(1)).as("claimed by a worker without the type").isFalse();
    }
    Tasks jobPool = start(store().type(job), 2);
    assertThat(awaitState(jobPool, id, TaskState.SUCCEEDED).redeliveries()).isZero();
  }

  @Override
  boolean anEnqueueWaitsForTheDeletionOfItsKeysRow() {
    return true;
  }

  @Override
  boolean aStatementWaitsForALock() {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            + "AND query LIKE '%" + prefix + "tasks%'")) {
      r.next();
      return r.getLong(1) > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
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
