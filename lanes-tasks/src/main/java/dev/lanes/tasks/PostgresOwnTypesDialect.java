package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepositoryContext;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.Queries;
import com.github.kagkarlsson.scheduler.task.Execution;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * db-scheduler's PostgreSQL dialect whose claim (lock-and-fetch) takes only executions of the task
 * types this worker registered. db-scheduler's own claim took any type's due executions, then
 * dropped those it had no task for, still claimed: with workers for different types sharing a store,
 * such a task waited until its claim was taken for a dead worker's (8 to 12 s) before a worker that
 * runs it could. The statement is db-scheduler 16.7.1's, with the type condition added.
 */
final class PostgresOwnTypesDialect extends PostgreSqlJdbcCustomization {
  /** db-scheduler's picked_by column is 50 characters. */
  private static final int PICKED_BY = 50;

  private final String[] names;

  PostgresOwnTypesDialect(Set<String> names) {
    super(false, false);
    this.names = names.toArray(String[]::new);
  }

  @Override
  public List<Execution> lockAndFetchSingleStatement(JdbcTaskRepositoryContext ctx, Instant now, int limit,
      boolean orderByPriority) {
    String order = Queries.ansiSqlOrderPart(orderByPriority);
    String sql = "WITH locked_executions AS (UPDATE " + ctx.tableName + " st1 SET picked = ?, picked_by = ?, "
        + "last_heartbeat = ?, version = version + 1 WHERE (st1.task_name, st1.task_instance) IN (SELECT "
        + "st2.task_name, st2.task_instance FROM " + ctx.tableName + " st2 WHERE picked = ? AND execution_time <= ? "
        + "AND st2.task_name = ANY (?) " + order + " FOR UPDATE SKIP LOCKED " + getQueryLimitPart(limit)
        + ") RETURNING st1.*) SELECT * FROM locked_executions " + order;
    String worker = ctx.schedulerName.getName();
    return ctx.jdbcRunner.query(sql, ps -> {
      ps.setBoolean(1, true);
      ps.setString(2, worker.length() <= PICKED_BY ? worker : worker.substring(0, PICKED_BY));
      setInstant(ps, 3, now);
      ps.setBoolean(4, false);
      setInstant(ps, 5, now);
      ps.setArray(6, ps.getConnection().createArrayOf("varchar", names));
    }, ctx.resultSetMapper.get());
  }
}
