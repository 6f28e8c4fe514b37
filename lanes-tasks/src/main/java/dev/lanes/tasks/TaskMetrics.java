package dev.lanes.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Task events as Micrometer meters (Micrometer is an optional dependency of this module): counters
 * {@code lanes.tasks.enqueued}, {@code .started} (tag {@code redelivered}), {@code .succeeded},
 * {@code .retried}, {@code .failed}; timers {@code lanes.tasks.pickup} (due to start) and
 * {@code lanes.tasks.duration}; all tagged {@code task}; and {@code lanes.tasks.expired}, ended tasks
 * this process's worker deleted after their retention (untagged: one deletion spans types).
 * {@link #bindStates} adds a gauge per state ({@code lanes.tasks.state}) and the queue's age
 * ({@code lanes.tasks.queue.age}, seconds the oldest due queued task has waited), read from the
 * store at each scrape.
 *
 * <pre>{@code Tasks tasks = Tasks.builder().type(T).listener(new TaskMetrics(registry)).build();
 * ... tasks.start(app); TaskMetrics.bindStates(tasks, registry);}</pre>
 */
public final class TaskMetrics implements TaskListener {
  private final MeterRegistry registry;

  public TaskMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Gauges of the tasks per state in {@code tasks}' store (queue depth: {@code state="queued"}, which
   * counts tasks due later too) and of the queue's age (due tasks only).
   */
  public static void bindStates(Tasks tasks, MeterRegistry registry) {
    for (TaskState state : TaskState.values()) {
      Gauge.builder("lanes.tasks.state", tasks, t -> t.isRunning() ? t.statistics().byState().get(state) : Double.NaN)
          .tag("state", state.wire())
          .description("tasks in the store in this state")
          .register(registry);
    }
    Gauge.builder("lanes.tasks.queue.age", tasks,
            t -> t.isRunning() ? t.statistics().queueAge(Instant.now()).toNanos() / 1e9 : Double.NaN)
        .baseUnit("seconds")
        .description("how long the oldest due queued task has waited; 0 if none is due")
        .register(registry);
  }

  @Override
  public void enqueued(String name, String id, Duration delay) {
    Counter.builder("lanes.tasks.enqueued").tag("task", name).register(registry).increment();
  }

  @Override
  public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
    Counter.builder("lanes.tasks.started").tag("task", name).tag("redelivered", Boolean.toString(redelivered))
        .register(registry).increment();
    Timer.builder("lanes.tasks.pickup").tag("task", name).description("from due to started")
        .register(registry).record(late);
  }

  @Override
  public void succeeded(String name, String id, Duration took) {
    Counter.builder("lanes.tasks.succeeded").tag("task", name).register(registry).increment();
    Timer.builder("lanes.tasks.duration").tag("task", name).register(registry).record(took);
  }

  @Override
  public void retried(String name, String id, int attempt, Duration backoff, Throwable error) {
    Counter.builder("lanes.tasks.retried").tag("task", name).register(registry).increment();
  }

  @Override
  public void failed(String name, String id, int attempt, Throwable error) {
    Counter.builder("lanes.tasks.failed").tag("task", name).register(registry).increment();
  }

  @Override
  public void expired(long count) {
    Counter.builder("lanes.tasks.expired").description("ended tasks deleted after their retention")
        .register(registry).increment(count);
  }
}
