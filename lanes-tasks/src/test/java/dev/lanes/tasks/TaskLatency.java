package dev.lanes.tasks;

import dev.lanes.App;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures, for benchmarks/tasks-latency.sh: (1) pickup latency across processes on PostgreSQL (an
 * enqueue-only {@link Tasks} and a worker {@link Tasks} sharing the store, so the worker learns of
 * tasks by polling only, as a worker process does), and (2) embedded throughput: 10 000 tasks of
 * 1 ms on the in-memory store, enqueue-to-start p99 and tasks/s. Prints one line per figure.
 *
 * <p>Arguments: postgresUrl (or "-" to skip part 1)
 */
public final class TaskLatency {
  record Work(long sleepMillis) {}

  private TaskLatency() {}

  public static void main(String[] args) throws Exception {
    if (!args[0].equals("-")) {
      pickup(args[0]);
    }
    embedded(10_000);
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
      report("pickup across processes (PostgreSQL, poll 200 ms), " + n + " tasks 20 ms apart", late);
      try (var c = java.sql.DriverManager.getConnection(url, "postgres", ""); var s = c.createStatement()) {
        s.execute("DROP TABLE " + prefix + "tasks");
        s.execute("DROP TABLE " + prefix + "scheduled_tasks");
      }
    }
  }

  private static void embedded(int n) throws Exception {
    List<Long> late = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(n);
    TaskType<Work> type = TaskType.of("tiny", Work.class, w -> {
      Thread.sleep(w.sleepMillis());
      return null;
    });
    try (App app = App.builder().lane(Tasks.lane(40)).build();
        Tasks tasks = Tasks.builder().type(type).poolSize(20).listener(new TaskListener() {
          @Override
          public void started(String name, String id, int attempt, Duration l, boolean redelivered) {
            late.add(l.toNanos());
          }

          @Override
          public void succeeded(String name, String id, Duration took) {
            done.countDown();
          }
        }).build()) {
      tasks.start(app);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        tasks.enqueue(type, new Work(1));
      }
      long enqueued = System.nanoTime();
      done.await(300, TimeUnit.SECONDS);
      long end = System.nanoTime();
      System.out.printf("embedded: %d tasks of 1 ms, worker lane 40: enqueued in %.2f s (%.0f/s), all succeeded after %.2f s: %.0f tasks/s%n",
          n, (enqueued - start) / 1e9, n / ((enqueued - start) / 1e9), (end - start) / 1e9, n / ((end - start) / 1e9));
      report("embedded enqueue-to-start (due-to-start), " + n + " tasks enqueued as fast as one thread can", late);
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
