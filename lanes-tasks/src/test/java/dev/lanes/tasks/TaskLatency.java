package dev.lanes.tasks;

import dev.lanes.App;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures, for benchmarks/tasks-latency.sh: (1) pickup latency across processes on PostgreSQL (an
 * enqueue-only {@link Tasks} and a worker {@link Tasks} sharing the store, so the worker learns of
 * tasks as a worker process does: from the store's notifications, or its poll), and (2) throughput: 10 000 tasks of 1 ms
 * enqueued from one thread, on the in-memory store and on PostgreSQL with the worker in this
 * process, each cold and warm: tasks/s and enqueue-to-start p50/p99. Prints one line per figure.
 *
 * <p>Arguments: postgresUrl (or "-" for the in-memory store only)
 */
public final class TaskLatency {
  record Work(long sleepMillis) {}

  private TaskLatency() {}

  public static void main(String[] args) throws Exception {
    String postgres = args[0].equals("-") ? null : args[0];
    if (postgres != null) {
      pickup(postgres);
    }
    throughput(10_000, postgres);
    System.exit(0);
  }

  private static void pickup(String url) throws Exception {
    int n = 200;
    List<Long> late = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(n);
    TaskType<Work> type = TaskType.of("pickup", Work.class, w -> null);
    String prefix = "lat" + ProcessHandle.current().pid() + "_";
    try (App webApp = App.builder().build(); App workerApp = App.builder().lane(Tasks.lane(20)).build();
        Tasks web = Tasks.builder().database(url).credentials("postgres", Optional.empty()).tablePrefix(prefix)
            .type(type).workers(false).build();
        Tasks worker = Tasks.builder().database(url).credentials("postgres", Optional.empty()).tablePrefix(prefix)
            .type(type).listener(new TaskListener() {
              @Override
              public void started(String name, String id, int attempt, Duration l, boolean redelivered) {
                late.add(l.toNanos());
                done.countDown();
              }
            }).build()) {
      web.start(webApp);
      worker.start(workerApp);
      for (int i = 0; i < n; i++) {
        web.enqueue(type, new Work(0));
        Thread.sleep(20);
      }
      done.await(60, TimeUnit.SECONDS);
      report("pickup across processes (PostgreSQL), " + n + " tasks 20 ms apart", late);
      try (var c = java.sql.DriverManager.getConnection(url, "postgres", ""); var s = c.createStatement()) {
        s.execute("DROP TABLE " + prefix + "tasks");
        s.execute("DROP TABLE " + prefix + "scheduled_tasks");
      }
    }
  }

  /**
   * Throughput rounds: {@code n} tasks of 1 ms on the in-memory store (the default), then, with a
   * PostgreSQL URL, on PostgreSQL with the worker in this process; each store twice in one JVM, cold
   * (as a new process meets its first tasks, its JIT compiling) and warm.
   */
  private static void throughput(int n, String postgres) throws Exception {
    rounds(n, "embedded", Tasks.builder());
    if (postgres != null) {
      String prefix = "thr" + ProcessHandle.current().pid() + "_";
      try {
        rounds(n, "postgres", Tasks.builder().database(postgres).credentials("postgres", Optional.empty())
            .tablePrefix(prefix));
      } finally {
        try (var c = java.sql.DriverManager.getConnection(postgres, "postgres", ""); var s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + prefix + "tasks");
          s.execute("DROP TABLE IF EXISTS " + prefix + "scheduled_tasks");
        }
      }
    }
  }

  private static void rounds(int n, String store, Tasks.Builder builder) throws Exception {
    AtomicReference<Round> current = new AtomicReference<>();
    TaskType<Work> type = TaskType.of("tiny", Work.class, w -> {
      Thread.sleep(w.sleepMillis());
      return null;
    });
    try (App app = App.builder().lane(Tasks.lane(40)).build();
        Tasks tasks = builder.type(type).poolSize(20).listener(new TaskListener() {
          @Override
          public void started(String name, String id, int attempt, Duration l, boolean redelivered) {
            current.get().late.add(l.toNanos());
          }

          @Override
          public void succeeded(String name, String id, Duration took) {
            current.get().done.countDown();
          }
        }).build()) {
      tasks.start(app);
      for (String phase : List.of("cold", "warm")) {
        Round round = new Round(n);
        current.set(round);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          tasks.enqueue(type, new Work(1));
        }
        long enqueued = System.nanoTime();
        if (!round.done.await(300, TimeUnit.SECONDS)) {
          throw new IllegalStateException(store + " " + phase + ": " + round.done.getCount() + " of " + n + " not done after 300 s");
        }
        long end = System.nanoTime();
        List<Long> sorted = new ArrayList<>(round.late);
        Collections.sort(sorted);
        // one line per round, the same format as throughput_celery.py's
        System.out.printf("lanes-%s-%s n=%d enqueue_s=%.3f total_s=%.3f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
            store, phase, n, (enqueued - start) / 1e9, (end - start) / 1e9, sorted.get(sorted.size() / 2) / 1e6,
            sorted.get((int) (sorted.size() * 0.99)) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
      }
    }
  }

  /** One round's enqueue-to-start samples and completions. */
  private record Round(List<Long> late, CountDownLatch done) {
    Round(int n) {
      this(Collections.synchronizedList(new ArrayList<>(n)), new CountDownLatch(n));
    }
  }

  private static void report(String what, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.println(what + ": no samples");
      return;
    }
    System.out.printf("%s: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
        sorted.get(sorted.size() - 1) / 1e6);
  }
}
