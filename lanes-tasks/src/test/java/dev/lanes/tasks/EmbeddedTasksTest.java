package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared suite on the embedded store: H2 in memory, shared by the test's processes in this JVM. */
class EmbeddedTasksTest extends TaskSuite {
  private final String url = "jdbc:h2:mem:tasks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @Override
  Tasks.Builder store() {
    return Tasks.builder().database(url);
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  String tablePrefix() {
    return "lanes_";
  }

  @Test
  void closingOneOfTwoTasksSharingANamedInMemoryStoreLeavesTheOthersTasks() {
    TaskType<Job> job = TaskType.of("kept", Job.class, j -> j.text());
    Tasks web = start(store().type(job).workers(false), 1);
    Tasks other = start(store().type(job).workers(false), 1);
    String id = web.enqueue(job, new Job("x", 1));

    other.close(); // shut the database down under web: its tables were gone

    assertThat(web.status(id)).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(TaskState.QUEUED));
    Tasks worker = start(store().type(job), 1);
    assertThat(awaitState(worker, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("x");
  }

  @Override
  void refuseOnce(String state) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TRIGGER refuse_" + UUID.randomUUID().toString().replace("-", "") + "_" + state
          + " BEFORE UPDATE ON " + tablePrefix() + "tasks FOR EACH ROW CALL '" + RefuseOnce.class.getName() + "'");
    }
  }

  @Override
  void refuseEvery(String state) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TRIGGER refuse_every_" + state + " BEFORE UPDATE ON " + tablePrefix() + "tasks FOR EACH ROW CALL '"
          + RefuseEvery.class.getName() + "'");
    }
  }
}
