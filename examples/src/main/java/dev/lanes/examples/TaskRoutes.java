package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.tasks.TaskStatistics;
import dev.lanes.tasks.TaskStatus;
import dev.lanes.tasks.TaskType;
import dev.lanes.tasks.Tasks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Seed 003's scenario: heavy work leaves the request as a task with an id to ask about later. The
 * tasks run in lane {@code tasks} of this process, or of worker processes
 * ({@code java -jar examples.jar worker}) sharing a PostgreSQL store ({@link TaskSettings}).
 *
 * <ul>
 *   <li>{@code POST /tasks/sleep?seconds=S} (default 1): a blocking task that sleeps; 202 {@code {"id"}}</li>
 *   <li>{@code POST /tasks/hash?ms=N} (default 100): a task hashing with SHA-256 for N ms of CPU; 202 {@code {"id"}}</li>
 *   <li>{@code GET /tasks/{id}}: {@code {"id","name","state","attempts","result","error"}}, or 404</li>
 *   <li>{@code GET /tasks}: tasks per state in the store, redeliveries, and this process's {@code tasks} lane</li>
 * </ul>
 */
final class TaskRoutes {
  record Sleep(double seconds) {}

  record Hash(long ms) {}

  static final TaskType<Sleep> SLEEP = TaskType.of("sleep", Sleep.class, s -> {
    Thread.sleep((long) (s.seconds() * 1000));
    return "slept " + s.seconds() + " s";
  });

  static final TaskType<Hash> HASH = TaskType.of("hash", Hash.class, h -> {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] digest = "lanes".getBytes(StandardCharsets.UTF_8);
    long rounds = 0;
    long end = System.nanoTime() + h.ms() * 1_000_000;
    do {
      for (int i = 0; i < 1000; i++) {
        digest = sha.digest(digest);
      }
      rounds += 1000;
    } while (System.nanoTime() < end);
    return Map.of("rounds", rounds, "digest", HexFormat.of().formatHex(digest));
  });

  private TaskRoutes() {}

  /** The demo's tasks and their store, not started. */
  static Tasks tasks(TaskSettings settings) {
    return tasks(settings, Tasks.builder());
  }

  /** The demo's tasks with {@code metrics}' task meters, not started. */
  static Tasks tasks(TaskSettings settings, DemoMetrics metrics) {
    return tasks(settings, metrics.instrument(Tasks.builder()));
  }

  private static Tasks tasks(TaskSettings settings, Tasks.Builder b) {
    b.type(SLEEP).type(HASH).workers(settings.workers());
    settings.database().ifPresent(url -> {
      b.database(url);
      if (settings.shared() && !url.contains("user=")) {
        b.credentials("postgres", Optional.empty());
      }
    });
    return b.build();
  }

  /** Adds the routes and the {@code tasks} lane of {@code concurrency}; {@code tasks} must be started with the app. */
  static App.Builder addTo(App.Builder app, Tasks tasks, int concurrency) {
    return app
        .lane(Tasks.lane(concurrency))
        // Async: an enqueue waits for its batch's commit without holding a lane token or a thread.
        .postAsync("/tasks/sleep", req -> {
          double seconds = req.query().getDouble("seconds", 1);
          if (seconds < 0 || seconds > 3600) {
            throw new HttpException(400, "seconds must be 0..3600, got " + seconds);
          }
          return tasks.enqueueAsync(SLEEP, new Sleep(seconds)).thenApply(TaskRoutes::accepted);
        })
        .postAsync("/tasks/hash", req -> {
          long ms = req.query().getLong("ms", 100);
          if (ms < 0 || ms > 60_000) {
            throw new HttpException(400, "ms must be 0..60000, got " + ms);
          }
          return tasks.enqueueAsync(HASH, new Hash(ms)).thenApply(TaskRoutes::accepted);
        })
        .get("/tasks/{id}", req -> {
          String id = req.pathParams().get("id");
          return Response.json(view(tasks.status(id).orElseThrow(() -> new HttpException(404, "no task " + id))));
        })
        .get("/tasks", req -> {
          TaskStatistics s = tasks.statistics();
          LaneStatistics lane = req.lanes().get(Tasks.WORKER_LANE).statistics();
          Map<String, Object> counts = new LinkedHashMap<>();
          s.byState().forEach((state, n) -> counts.put(state.wire(), n));
          return Response.json(Map.of("byState", counts, "redeliveries", s.redeliveries(),
              "queueAgeMs", s.queueAge(java.time.Instant.now()).toMillis(),
              "lane", Map.of("capacity", lane.capacity(), "borrowed", lane.borrowed(), "waiting", lane.waiting())));
        });
  }

  private static Response accepted(String id) {
    return Response.json(Map.of("id", id)).withStatus(202);
  }

  private static Map<String, Object> view(TaskStatus s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", s.id());
    v.put("name", s.name());
    v.put("state", s.state().wire());
    v.put("attempts", s.attempts());
    v.put("result", s.result().orElse(null));
    v.put("error", s.error().orElse(null));
    return v;
  }
}
