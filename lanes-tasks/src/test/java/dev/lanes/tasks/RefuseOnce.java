package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An H2 trigger on the status table that refuses the first update to one state, as a database
 * refusing one write would ({@link EmbeddedTasksTest#refuseOnce}). The state is the trigger's name
 * after its last underscore.
 */
public final class RefuseOnce implements org.h2.api.Trigger {
  /** Triggers that have refused their one write, by schema-qualified name. */
  private static final Map<String, Boolean> REFUSED = new ConcurrentHashMap<>();

  private String trigger;
  private String state;

  @Override
  public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
    this.trigger = schemaName + "." + triggerName;
    this.state = triggerName.substring(triggerName.lastIndexOf('_') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    if (state.equals(newRow[2]) && REFUSED.putIfAbsent(trigger, Boolean.TRUE) == null) {
      throw new SQLException("refused once: the write of state " + state, "40001");
    }
  }
}
