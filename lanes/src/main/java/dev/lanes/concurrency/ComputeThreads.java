package dev.lanes.concurrency;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads an adaptive lane runs its tasks on in compute mode. A thread that ends a
 * task and, by giving its token back, gets the limiter to grant the next waiter runs that task
 * itself, as a virtual-thread carrier would. Handing it to another thread parked this one and
 * woke that one once per task, and on 2 saturated cores gave 0.65-0.95 of the throughput of two
 * virtual threads (docs/adr/0011, "the hand-off"). The limiter still decides which task runs next
 * (first in, first out) and how many run; this only decides on which thread.
 *
 * <p>The next task starts once the last one's future is completed, after whatever its caller
 * chained onto it without an executor has run on this thread; it holds its token meanwhile.
 * Threads are created on demand (the limiter bounds how many run) and end after 30 s idle.
 */
final class ComputeThreads implements Executor {
  private static final Duration IDLE = Duration.ofSeconds(30);

  private final ThreadPoolExecutor pool;
  private final String namePrefix;
  private final AtomicInteger threadNumber = new AtomicInteger();

  ComputeThreads(String lane) {
    namePrefix = "lane-" + lane + "-platform-";
    pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE.toSeconds(), TimeUnit.SECONDS,
        new SynchronousQueue<>(), Worker::new);
  }

  /** Runs {@code task} next on this thread if giving back its token granted it, else on the pool. */
  @Override
  public void execute(Runnable task) {
    Worker w = ours();
    if (w != null && w.open && w.next == null && !pool.isShutdown()) {
      w.next = task;
      return;
    }
    pool.execute(() -> runFrom(task));
  }

  /** Gives {@code permit} back; a task the limiter grants for it runs next on this thread. */
  void giveBack(Permit permit) {
    Worker w = ours();
    if (w == null) {
      permit.close();
      return;
    }
    // Only here: a task that waits on another task of its lane must not keep it for itself.
    w.open = true;
    try {
      permit.close();
    } finally {
      w.open = false;
    }
  }

  private void runFrom(Runnable first) {
    Worker w = (Worker) Thread.currentThread();
    try {
      for (Runnable task = first; task != null; ) {
        task.run();
        task = w.next;
        w.next = null;
      }
    } finally {
      Runnable granted = w.next; // set if a task threw after granting it: it still has to run
      w.next = null;
      if (granted != null) {
        try {
          pool.execute(() -> runFrom(granted));
        } catch (RejectedExecutionException closed) {
          granted.run(); // granted before the lane closed: refused now, it gives its token back
        }
      }
    }
  }

  /**
   * The calling thread's CPU time in nanoseconds if it is one of this pool's threads and the JVM
   * measures it, else {@link AdaptiveLimit#UNKNOWN} (on Linux a {@code clock_gettime}, read only
   * by tasks in compute mode).
   */
  long cpuTimeOfCurrent() {
    if (ours() == null) {
      return AdaptiveLimit.UNKNOWN;
    }
    long nanos = CpuClock.THREADS == null ? -1 : CpuClock.THREADS.getCurrentThreadCpuTime();
    return nanos < 0 ? AdaptiveLimit.UNKNOWN : nanos; // -1 while measuring is turned off
  }

  /** Loaded on the first compute-mode task, so lanes that never compute never load the MXBean. */
  private static final class CpuClock {
    static final ThreadMXBean THREADS = supported();

    private static ThreadMXBean supported() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      return threads.isCurrentThreadCpuTimeSupported() ? threads : null;
    }
  }

  /** This pool's thread we run on, or null (a virtual thread, another pool's thread). */
  private Worker ours() {
    return Thread.currentThread() instanceof Worker w && w.owner == this ? w : null;
  }

  /** Threads the pool holds now, and the most it ever held (for tests and diagnostics). */
  ThreadPoolExecutor pool() {
    return pool;
  }

  void shutdownNow() {
    pool.shutdownNow();
  }

  /** A thread of this pool, with the task its last token granted (touched by itself only). */
  private final class Worker extends Thread {
    final ComputeThreads owner = ComputeThreads.this;
    boolean open; // while giving a token back
    Runnable next;

    Worker(Runnable r) {
      super(null, r, namePrefix + threadNumber.getAndIncrement(), 0, false);
      setDaemon(true);
    }
  }
}
