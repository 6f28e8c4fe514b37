package dev.lanes.examples;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's task settings, read once from the environment (a bad value fails naming it).
 *
 * <pre>{@code TASKS_DB=jdbc:postgresql://127.0.0.1:5432/test TASK_WORKERS=0 java -jar examples/target/examples.jar}</pre>
 *
 * @param database {@code TASKS_DB}: a {@code jdbc:h2:file:} or {@code jdbc:postgresql:} URL [unset:
 *     an in-memory store of this process]. A PostgreSQL URL without {@code user=} connects as
 *     {@code postgres}.
 * @param workers {@code TASK_WORKERS}: 0 makes the web process enqueue only; any other count runs
 *     tasks in it too [1]
 * @param concurrency {@code WORKER_CONCURRENCY}: tasks a process runs at once, the capacity of its
 *     {@code tasks} lane [20]
 * @param workerHttpPort {@code WORKER_HTTP_PORT}: a worker process ({@code examples.jar worker})
 *     serves {@code /metrics} and {@code /_lanes} on this port [unset: no HTTP]
 */
record TaskSettings(Optional<String> database, boolean workers, int concurrency, Optional<Integer> workerHttpPort) {

  TaskSettings(Optional<String> database, boolean workers, int concurrency) {
    this(database, workers, concurrency, Optional.empty());
  }

  static TaskSettings fromEnv() {
    return from(System.getenv());
  }

  /** @throws IllegalArgumentException naming the first variable whose value is not allowed */
  static TaskSettings from(Map<String, String> env) {
    Optional<String> db = text(env, "TASKS_DB");
    db.ifPresent(url -> {
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("TASKS_DB must be a jdbc:postgresql: or jdbc:h2: URL, got '" + url + "'");
      }
    });
    Optional<Integer> httpPort = text(env, "WORKER_HTTP_PORT").map(p -> integer(env, "WORKER_HTTP_PORT", 0, 1));
    if (httpPort.filter(p -> p > 65535).isPresent()) {
      throw new IllegalArgumentException("WORKER_HTTP_PORT must be a port 1..65535, got '" + httpPort.get() + "'");
    }
    return new TaskSettings(db, integer(env, "TASK_WORKERS", 1, 0) > 0, integer(env, "WORKER_CONCURRENCY", 20, 1), httpPort);
  }

  /** Whether workers in other processes can share the store. */
  boolean shared() {
    return database.map(url -> url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")).orElse(false);
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min) {
    Optional<String> raw = text(env, name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v >= min) {
        return v;
      }
    } catch (NumberFormatException e) {
      // the same error as out of range
    }
    throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", got '" + raw.get() + "'");
  }
}
