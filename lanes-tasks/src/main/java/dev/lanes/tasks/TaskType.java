package dev.lanes.tasks;

import dev.lanes.concurrency.Lanes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * A kind of task: its name (what the store and every worker know it by), its payload type (a
 * record, stored as JSON through the app's {@code JsonCodec}), its handler, the lane it runs in
 * and its retry policy. Immutable; register every type on {@link Tasks.Builder#type}.
 *
 * <pre>{@code
 * record Resize(String path, int width) {}
 * TaskType<Resize> RESIZE = TaskType.of("resize", Resize.class, job -> images.resize(job.path(), job.width()))
 *     .lane("images").retry(RetryPolicy.attempts(5));
 * }</pre>
 *
 * <p>A handler that takes two parameters, {@code (payload, task)}, made with {@link #withContext}
 * or {@link #asyncWithContext}, is also given its task's {@link TaskContext} (id, type name,
 * attempt, retries, and whether it is the last attempt). A blocking handler runs on a worker-lane thread,
 * or, when the type names another lane, in that lane (the attempt holds its worker token
 * meanwhile); an async handler is called on the worker-lane thread and holds the token until its
 * stage completes.
 */
public final class TaskType<P> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private final String name;
  private final Class<P> payloadType;
  private final Optional<ContextTaskHandler<P>> blocking;
  private final Optional<AsyncContextTaskHandler<P>> async;
  private final Optional<String> lane;
  private final RetryPolicy retry;
  private final int maxRedeliveries;

  /** Redeliveries allowed by default: a worker dying under a task ten times over is the task's doing. */
  static final int DEFAULT_MAX_REDELIVERIES = 10;

  private TaskType(String name, Class<P> payloadType, Optional<ContextTaskHandler<P>> blocking,
      Optional<AsyncContextTaskHandler<P>> async, Optional<String> lane, RetryPolicy retry, int maxRedeliveries) {
    this.name = name;
    this.payloadType = payloadType;
    this.blocking = blocking;
    this.async = async;
    this.lane = lane;
    this.retry = retry;
    this.maxRedeliveries = maxRedeliveries;
  }

  /**
   * A task type with a blocking handler and the default retry policy (3 attempts, 1 s then 2 s
   * apart).
   *
   * @throws IllegalArgumentException if {@code name} is not 1..100 letters, digits, '.', '_' or
   *     '-' starting with a letter or digit
   */
  public static <P> TaskType<P> of(String name, Class<P> payloadType, TaskHandler<P> handler) {
    Objects.requireNonNull(handler, "handler");
    return withContext(name, payloadType, (payload, task) -> handler.run(payload));
  }

  /**
   * A task type whose blocking handler is also given its task's {@link TaskContext} (id, type name,
   * attempt, retries, whether it is the last attempt); see {@link #of(String, Class, TaskHandler)}. A name of its own, not an overload of
   * {@code of}: a method reference to a method overloaded with one and two parameters would fit
   * both, and javac would refuse it as ambiguous.
   *
   * <pre>{@code TaskType.withContext("charge", Charge.class, (charge, task) -> payments.charge(charge, "charge-" + task.id()))}</pre>
   */
  public static <P> TaskType<P> withContext(String name, Class<P> payloadType, ContextTaskHandler<P> handler) {
    return new TaskType<>(checkName(name), Objects.requireNonNull(payloadType, "payloadType"),
        Optional.of(Objects.requireNonNull(handler, "handler")), Optional.empty(), Optional.empty(),
        RetryPolicy.attempts(3), DEFAULT_MAX_REDELIVERIES);
  }

  /** A task type with an async handler; see {@link #of(String, Class, TaskHandler)}. */
  public static <P> TaskType<P> ofAsync(String name, Class<P> payloadType, AsyncTaskHandler<P> handler) {
    Objects.requireNonNull(handler, "handler");
    return asyncWithContext(name, payloadType, (payload, task) -> handler.run(payload));
  }

  /**
   * A task type whose async handler is also given its task's {@link TaskContext}; see
   * {@link #ofAsync(String, Class, AsyncTaskHandler)} and, for why a name of its own,
   * {@link #withContext}.
   *
   * <pre>{@code TaskType.asyncWithContext("ping", Ping.class, (ping, task) -> client.ping(ping, task.attempt()))}</pre>
   */
  public static <P> TaskType<P> asyncWithContext(String name, Class<P> payloadType, AsyncContextTaskHandler<P> handler) {
    return new TaskType<>(checkName(name), Objects.requireNonNull(payloadType, "payloadType"), Optional.empty(),
        Optional.of(Objects.requireNonNull(handler, "handler")), Optional.empty(), RetryPolicy.attempts(3),
        DEFAULT_MAX_REDELIVERIES);
  }

  /** This type with its blocking handler run in lane {@code lane} (which the app must define). */
  public TaskType<P> lane(String lane) {
    Objects.requireNonNull(lane, "lane");
    if (async.isPresent()) {
      throw new IllegalStateException("task type '" + name + "' has an async handler, which runs in no lane of its own");
    }
    return new TaskType<>(name, payloadType, blocking, async, Optional.of(lane), retry, maxRedeliveries);
  }

  /** This type with another retry policy. */
  public TaskType<P> retry(RetryPolicy policy) {
    return new TaskType<>(name, payloadType, blocking, async, lane, Objects.requireNonNull(policy, "policy"),
        maxRedeliveries);
  }

  /**
   * This type with another bound on redeliveries (default 10): a task whose worker died under it
   * (a crash, {@code kill -9}, the OOM killer, not a throw) is run again, and once it has been
   * redelivered {@code max} times, the next time its worker is found dead fails it instead, so a
   * task that brings its worker down every time does not take down one worker after another for
   * good. 0: never redelivered (at most once after a crash).
   *
   * <p>A store failing to record an attempt's end also leaves the task running, and redelivers it
   * 5 s later (a refused success is first written once more at once): the handler runs again, as
   * delivery is at least once, and these redeliveries count toward the same bound. Past it the task
   * fails with an error saying its last attempt's end could not be stored, with the store's error,
   * not that its worker died. So with 0, a success the store keeps refusing ends the task
   * {@code failed} with that error though its handler returned: its work was done once, and is not
   * repeated.
   *
   * <pre>{@code TaskType.of("render", Page.class, renderer::render).maxRedeliveries(3)}</pre>
   */
  public TaskType<P> maxRedeliveries(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("maxRedeliveries must be >= 0, got " + max);
    }
    return new TaskType<>(name, payloadType, blocking, async, lane, retry, max);
  }

  public String name() {
    return name;
  }

  public Class<P> payloadType() {
    return payloadType;
  }

  /** The lane its blocking handler runs in, if not the worker lane. */
  public Optional<String> lane() {
    return lane;
  }

  public RetryPolicy retry() {
    return retry;
  }

  /** How many times a task of this type is redelivered after its worker died before it fails instead. */
  public int maxRedeliveries() {
    return maxRedeliveries;
  }

  public boolean isAsync() {
    return async.isPresent();
  }

  /** Runs one attempt of the task {@code task} on the calling worker-lane thread and waits for its result. */
  Object runAttempt(P payload, TaskContext task, Lanes lanes, String workerLane) throws Exception {
    if (async.isPresent()) {
      return await(async.get().run(payload, task).toCompletableFuture());
    }
    ContextTaskHandler<P> handler = blocking.orElseThrow();
    if (lane.isEmpty() || lane.get().equals(workerLane)) {
      return handler.run(payload, task);
    }
    return OtherLaneAttempt.run(lanes.get(lane.get()), () -> handler.run(payload, task));
  }

  private static Object await(CompletableFuture<?> future) throws Exception {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true); // a draining worker gives the attempt up: stop what it waits for too
      throw e;
    } catch (ExecutionException e) {
      // The stage's own failure, an Error too (an assertion in an async handler), as a blocking handler throws it.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("task type name must be 1..100 letters, digits, '.', '_' or '-' "
          + "starting with a letter or digit, got '" + name + "'");
    }
    return name;
  }

  @Override
  public String toString() {
    return "TaskType[" + name + ", " + payloadType.getSimpleName() + lane.map(l -> ", lane " + l).orElse("") + "]";
  }
}
