package dev.lanes.tasks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wakes workers in other processes as soon as tasks are enqueued, with PostgreSQL's LISTEN/NOTIFY:
 * an enqueue that stored tasks due now notifies the store's channel ({@link TaskInsert}), and each worker holds one
 * connection listening on it and wakes its scheduler, which claims at once instead of at its next
 * poll. Polling stays the fallback: a notification missed while the listener reconnects costs at
 * most one poll interval (the listener also wakes the scheduler once it is listening again). Only
 * PostgreSQL workers load this class: it needs the PostgreSQL driver's API.
 */
final class DueNotifications implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DueNotifications.class.getName());
  /** How long one wait for notifications blocks before the loop checks it is still wanted. */
  private static final int WAIT_MILLIS = 1_000;
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final TaskDatabase db;
  private final String channel;
  private final Runnable wake;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;

  private DueNotifications(TaskDatabase db, Runnable wake) {
    this.db = db;
    this.channel = db.dueChannel();
    this.wake = wake;
    this.thread = Thread.ofPlatform().daemon().name("lanes-tasks-due-listener").unstarted(this::run);
  }

  /** Listens on {@code db}'s {@linkplain TaskDatabase#dueChannel channel} on a connection of its own, running {@code wake} per notification. */
  static DueNotifications listen(TaskDatabase db, Runnable wake) {
    DueNotifications n = new DueNotifications(db, wake);
    n.thread.start();
    return n;
  }

  private void run() {
    boolean failing = false;
    while (!closed) {
      try (Connection c = db.openUnpooled()) {
        connection = c;
        if (closed) {
          return;
        }
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        if (failing) {
          LOG.log(System.Logger.Level.INFO, "listening for enqueued tasks again on " + channel);
          failing = false;
        }
        wake.run(); // what was enqueued while nobody listened
        while (!closed) {
          PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
          if (got != null && got.length > 0) {
            wake.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          LOG.log(System.Logger.Level.WARNING, "not listening for enqueued tasks on " + channel + " (workers poll meanwhile; retrying every "
              + RETRY.toMillis() + " ms): " + TaskDatabase.rootMessage(e));
          failing = true;
        }
        try {
          Thread.sleep(RETRY);
        } catch (InterruptedException interrupted) {
          return; // close()
        }
      } finally {
        connection = null;
      }
    }
  }

  /** Stops listening: the connection is aborted, so a blocked wait ends at once. */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException e) {
        // closing anyway
      }
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
