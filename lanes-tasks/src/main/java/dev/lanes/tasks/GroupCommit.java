package dev.lanes.tasks;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Concurrent enqueues stored together: callers hand their row to one writer thread, which stores
 * everything that arrived while it was writing the previous batch as one batch (one statement,
 * one commit), then completes each caller's future. A future completes only after its batch
 * committed, so an id handed out is always durable; a batch that fails fails every caller in it,
 * and stores nothing. A batch holds at most {@code maxBatch} rows and {@code maxBatchBytes} of
 * payload (a row larger than that alone goes in a batch of its own), so a statement's size has a bound.
 * Under load this replaces one commit and one pooled connection per enqueue by one per batch.
 */
final class GroupCommit implements AutoCloseable {
  /** Stores a batch all or none and returns the ids that were new ({@link TaskInsert#insertAll}). */
  interface Store {
    Set<String> insertAll(List<TaskInsert.Row> rows) throws SQLException;
  }

  private record Pending(TaskInsert.Row row, CompletableFuture<Boolean> added) {}

  private static final Pending STOP = new Pending(null, null);

  private final Store store;
  private final int maxBatch;
  private final long maxBatchBytes;
  private Pending carried; // the writer's: the row that did not fit the last batch, first in the next
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private boolean closed; // guarded by this: no row is queued behind STOP

  GroupCommit(Store store, int maxBatch, long maxBatchBytes, String threadName) {
    this.store = store;
    this.maxBatch = maxBatch;
    this.maxBatchBytes = maxBatchBytes;
    this.writer = Thread.ofPlatform().daemon().name(threadName).start(this::write);
  }

  /**
   * Queues {@code row} for the next batch; the future completes once that batch committed: true if
   * the row was new, false if its id existed (or an earlier row of the same batch had it), or
   * with the batch's {@link SQLException} (then none of its rows is stored).
   *
   * @throws IllegalStateException once closed
   */
  CompletableFuture<Boolean> submit(TaskInsert.Row row) {
    Pending p = new Pending(row, new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("tasks are closed: no more enqueues");
      }
      queue.add(p);
    }
    return p.added();
  }

  /** Rows waiting for the writer (tests use it to know a batch has formed). */
  int queued() {
    return queue.size();
  }

  private void write() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(carried != null ? carried : queue.take());
      } catch (InterruptedException e) {
        continue; // nobody interrupts the writer; close() queues STOP
      }
      carried = null;
      fill(batch);
      if (batch.get(batch.size() - 1) == STOP) { // STOP is always last: nothing is queued after it
        batch.remove(batch.size() - 1);
        stop = true;
      }
      if (!batch.isEmpty()) {
        store(batch);
      }
      batch.clear();
    }
  }

  /** Adds queued rows to {@code batch} (which holds one) up to the row and byte bounds, or up to STOP. */
  private void fill(List<Pending> batch) {
    long bytes = payloadBytes(batch.get(0));
    while (batch.size() < maxBatch && batch.get(batch.size() - 1) != STOP) {
      Pending next = queue.poll();
      if (next == null) {
        return;
      }
      if (next != STOP && bytes + payloadBytes(next) > maxBatchBytes) {
        carried = next;
        return;
      }
      batch.add(next);
      bytes += payloadBytes(next);
    }
  }

  private static long payloadBytes(Pending p) {
    return p == STOP || p.row().payload() == null ? 0 : p.row().payload().length;
  }

  private void store(List<Pending> batch) {
    Set<String> added;
    try {
      added = store.insertAll(batch.stream().map(Pending::row).toList());
    } catch (Throwable e) {
      List<Pending> failed = List.copyOf(batch);
      Thread.startVirtualThread(() -> failed.forEach(p -> p.added().completeExceptionally(e)));
      return;
    }
    // The callers' continuations (listeners, responses) run on another thread: the writer goes
    // on to the next batch at once.
    List<Pending> done = List.copyOf(batch);
    Thread.startVirtualThread(() -> {
      Set<String> answered = new HashSet<>();
      done.forEach(p -> p.added().complete(added.contains(p.row().id()) && answered.add(p.row().id())));
    });
  }

  /** Stores what was handed over already, then stops the writer; later inserts fail. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
