package dev.lanes.tasks;

import java.util.UUID;

/** The shared suite on the embedded store: H2 in memory, shared by the test's processes in this JVM. */
class EmbeddedTasksTest extends TaskSuite {
  private final String url = "jdbc:h2:mem:tasks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @Override
  Tasks.Builder store() {
    return Tasks.builder().database(url);
  }
}
