package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An H2 trigger on the status table that refuses every update to one state, as a database failing
 * one kind of write for good would ({@link EmbeddedTasksTest#refuseEvery}). The state is the
 * trigger's name after its last underscore.
 */
public final class RefuseEvery implements org.h2.api.Trigger {
  private String state;

  @Override
  public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
    this.state = triggerName.substring(triggerName.lastIndexOf('_') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    if (state.equals(newRow[2])) {
      throw new SQLException("refused every time: the write of state " + state, "40001");
    }
  }
}
