package dev.lanes.tasks;

import dev.lanes.App;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A task process of its own, for tests that kill or signal one: runs {@link TaskWorker} with a
 * task type {@code nap} (sleeps, returns "napped"), optionally enqueues some first, and prints
 * {@code ENQUEUED <id>}, {@code STARTED <id>} and {@code DONE} lines; once stopped, main cleans up
 * for a second after {@code awaitClose} (a pool closing) and prints {@code CLEANED}.
 *
 * <p>Arguments: url user(- for none) tablePrefix capacity napMillis enqueueCount exitWhenDone graceMillis
 * [pollMillis]
 */
public final class TaskProcess {
  record Nap(long millis) {}

  private TaskProcess() {}

  static TaskType<Nap> napType(long overrideMillis) {
    return TaskType.of("nap", Nap.class, n -> {
      Thread.sleep(overrideMillis >= 0 ? overrideMillis : n.millis());
      return "napped";
    });
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String prefix = args[2];
    int capacity = Integer.parseInt(args[3]);
    long napMillis = Long.parseLong(args[4]);
    int enqueue = Integer.parseInt(args[5]);
    boolean exitWhenDone = Boolean.parseBoolean(args[6]);
    Duration grace = Duration.ofMillis(Long.parseLong(args[7]));
    TaskType<Nap> nap = napType(napMillis);
    Tasks.Builder b = Tasks.builder().database(url).tablePrefix(prefix).type(nap).shutdownGrace(grace)
        .listener(new TaskListener() {
          @Override
          public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
            System.out.println("STARTED " + id);
          }
        });
    if (args.length > 8) {
      b.pollInterval(Duration.ofMillis(Long.parseLong(args[8])));
    }
    if (!user.equals("-")) {
      b.credentials(user, Optional.empty());
    }
    Tasks tasks = b.build();
    App app = App.builder().lane(Tasks.lane(capacity)).build();
    TaskWorker worker = TaskWorker.start(app, tasks).stopOnSignal();
    for (int i = 0; i < enqueue; i++) {
      System.out.println("ENQUEUED " + tasks.enqueue(nap, new Nap(napMillis)));
    }
    if (exitWhenDone) {
      while (true) {
        TaskStatistics s = tasks.statistics();
        if (s.byState().get(TaskState.QUEUED) == 0 && s.byState().get(TaskState.RUNNING) == 0) {
          System.out.println("DONE " + s.byState().get(TaskState.SUCCEEDED) + " " + s.redeliveries());
          worker.close();
          app.close();
          System.exit(0);
        }
        Thread.sleep(50);
      }
    }
    worker.awaitClose();
    app.close();
    Thread.sleep(1000);
    System.out.println("CLEANED");
  }

  /** A running {@link TaskProcess} whose output lines can be awaited. */
  static final class Handle implements AutoCloseable {
    private static final String END = "\u0000end of output";
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    Handle(Process process) {
      this.process = process;
      Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the process is gone
        }
        lines.add(END);
      });
    }

    static Handle start(Path log, String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-cp", System.getProperty("java.class.path"), TaskProcess.class.getName()));
      cmd.addAll(List.of(args));
      return new Handle(new ProcessBuilder(cmd).redirectError(log.toFile()).start());
    }

    /**
     * The next line starting with {@code prefix}. Lines of other kinds are kept for a later call:
     * the process interleaves them (a task may start before the last enqueue is printed).
     */
    String next(String prefix) throws InterruptedException {
      return next(prefix, false);
    }

    /** The next line with {@code part} in it (a log line, after its time and level), whole. */
    String nextContaining(String part) throws InterruptedException {
      return next(part, true);
    }

    private String next(String prefix, boolean anywhere) throws InterruptedException {
      for (var it = skipped.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (anywhere ? line.contains(prefix) : line.startsWith(prefix)) {
          it.remove();
          return anywhere ? line : line.substring(prefix.length()).strip();
        }
      }
      while (true) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null || line.equals(END)) {
          if (line != null) {
            lines.add(END); // for a later call
          }
          throw new AssertionError("no '" + prefix + "' line from the task process; seen " + seen);
        }
        seen.add(line);
        if (anywhere ? line.contains(prefix) : line.startsWith(prefix)) {
          return anywhere ? line : line.substring(prefix.length()).strip();
        }
        skipped.add(line);
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
