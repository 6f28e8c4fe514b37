package dev.lanes.tasks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.JsonCodec;
import dev.lanes.observe.DashboardSection;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Named, typed tasks that outlive the request that enqueued them: stored, retried, queryable by
 * id, run by this process's worker lane and by worker processes sharing the database. With no
 * database configured the store is an in-memory H2 database of this process; a {@code jdbc:h2:file:}
 * URL makes it durable across restarts; a {@code jdbc:postgresql:} URL shares it with workers on
 * other machines. The engine is db-scheduler (docs/tasks.md).
 *
 * <pre>{@code
 * record Sleep(double seconds) {}
 * TaskType<Sleep> SLEEP = TaskType.of("sleep", Sleep.class, s -> { Thread.sleep((long) (s.seconds() * 1000)); return "slept"; });
 * Tasks tasks = Tasks.builder().type(SLEEP).build();
 * App app = App.builder().lane(Tasks.lane(20))
 *     .post("/sleep", req -> Response.json(Map.of("id", tasks.enqueue(SLEEP, new Sleep(1))))).build();
 * tasks.start(app);            // before serving; tasks.close() after the server stopped
 * }</pre>
 */
public final class Tasks implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Tasks.class.getName());

  /** The lane a process's workers run tasks in, unless {@link Builder#workerLane} names another. */
  public static final String WORKER_LANE = "tasks";

  private static final Serializer PAYLOAD_BYTES = new Serializer() {
    @Override
    public byte[] serialize(Object data) {
      return (byte[]) data;
    }

    @Override
    public <T> T deserialize(Class<T> type, byte[] data) {
      return type.cast(data);
    }
  };

  /** Workers sharing PostgreSQL poll for what other processes enqueued for later. */
  private static final Duration POSTGRES_POLL = Duration.ofMillis(200);
  /**
   * One process enqueues everything an embedded store holds, and wakes itself at due times,
   * recurring runs' and revived executions' too ({@link DueWakeups}, {@link RevivalWakeup}): the
   * poll is a fallback, so it can be slow and cheap (each one costs an idle server about a
   * millisecond of CPU).
   */
  private static final Duration EMBEDDED_POLL = Duration.ofSeconds(10);
  /**
   * The default store's poll: nothing but this process ever writes it, so the poll finds only what
   * a wake-up missed. Every 10 s it was, after the heartbeat, the task store's largest cost in a
   * loaded demo (0.15 ms of CPU a second: its rarely run code stays interpreted).
   */
  private static final Duration PRIVATE_POLL = Duration.ofMinutes(1);
  /** How often a worker marks its running executions alive, unless set. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  /**
   * The same for the default store, an in-memory database no other process or store can open:
   * no other worker can take its tasks over, so beats only guard against an attempt whose end was
   * never recorded. Beating every 2 s and looking for dead executions every 4 s was most of what
   * an idle or loaded demo's task store cost (a wake-up costs tens of microseconds on a VM).
   */
  private static final Duration PRIVATE_HEARTBEAT = Duration.ofMinutes(1);

  private final Builder config;
  private final Map<String, TaskType<?>> types;
  private final Map<String, RecurringType<?>> recurring;
  private final TaskEvents events;
  private volatile Running running;
  private volatile boolean closing;

  /** What exists between {@link #start} and {@link #close}. */
  private record Running(App app, TaskDatabase db, StatusTable statuses, GroupCommit inserts, SchedulerClient client,
      Optional<Scheduler> scheduler, Optional<LaneExecutor> executor, Optional<DueNotifications> dueListener,
      Optional<DueWakeups> wakeups, Optional<EndedTaskExpiry> expiry) {}

  private Tasks(Builder b) {
    this.config = b.copy();
    this.types = Map.copyOf(b.types);
    this.recurring = Map.copyOf(b.recurring);
    this.events = new TaskEvents(b.listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The worker lane's definition: {@code capacity} tasks at once (a process claims no more), and
   * an unbounded queue, as tasks wait in the database rather than being refused.
   *
   * <pre>{@code App.builder().lane(Tasks.lane(20))}</pre>
   */
  public static Lane.Builder lane(int capacity) {
    return Lane.builder(WORKER_LANE).capacity(capacity).unboundedQueue().maxQueueWait(Duration.ZERO);
  }

  /**
   * Opens the store (creating its tables) and, unless {@link Builder#workers(boolean)} is off,
   * starts running due tasks in {@code app}'s worker lane. Payloads and results go through
   * {@code app.json()}.
   *
   * @throws IllegalStateException if already started, the store cannot be opened, or, unless
   *     {@code workers(false)}, the app lacks the worker lane or a lane a task type names
   */
  public synchronized void start(App app) {
    Objects.requireNonNull(app, "app");
    if (running != null) {
      throw new IllegalStateException("tasks already started");
    }
    Optional<Lane> workerLane = app.lanes().find(config.workerLane);
    if (config.workers && workerLane.isEmpty()) {
      throw new IllegalStateException("the app has no lane '" + config.workerLane
          + "' for its task workers: add .lane(Tasks.lane(20)) to the App builder, or workers(false)");
    }
    // Only a process that works tasks runs their handlers: an enqueue-only one needs none of their lanes.
    List<TaskType<?>> run = new ArrayList<>();
    if (config.workers) {
      recurring.values().forEach(r -> run.add(r.type()));
      run.addAll(types.values());
    }
    for (TaskType<?> type : run) {
      type.lane().filter(l -> app.lanes().find(l).isEmpty()).ifPresent(l -> {
        throw new IllegalStateException("task type '" + type.name() + "' runs in lane '" + l + "', which the app does not define");
      });
    }
    int capacity = workerLane.map(l -> l.statistics().capacity()).orElse(0);
    // Each running attempt holds a connection now and then, plus db-scheduler's poll and heartbeat.
    int poolSize = config.poolSize.orElse(config.workers ? Math.max(DEFAULT_POOL, capacity + 2) : DEFAULT_POOL);
    TaskDatabase db = TaskDatabase.open(config.url, config.user, config.password, config.tablePrefix, poolSize);
    try {
      StatusTable statuses = new StatusTable(db.dataSource(), db.statusTable(), db.executionTable(), app.json(),
          db.postgres());
      TaskInsert store = new TaskInsert(db.dataSource(), db.dialect(), db.postgres(), db.statusTable(), db.executionTable(),
          db.dueChannel());
      // A worker starts its own delayed enqueues and retries, and recurring runs, at their time,
      // not at its next poll.
      Optional<DueWakeups> wakeups = config.workers ? Optional.of(new DueWakeups()) : Optional.empty();
      TaskAttempts attempts = new TaskAttempts(statuses, app.json(), app.lanes(), config.workerLane, events,
          due -> wakeups.ifPresent(w -> w.at(due)));
      Map<String, CustomTask<byte[]>> engineTasks = new LinkedHashMap<>();
      types.values().forEach(t -> engineTasks.put(t.name(), attempts.schedulerTask(t)));
      List<com.github.kagkarlsson.scheduler.task.Task<?>> known = new ArrayList<>(engineTasks.values());
      RecurringRuns runs = new RecurringRuns(db.dataSource(), db.statusTable(), db.postgres(), statuses, app.lanes(),
          config.workerLane, events, due -> wakeups.ifPresent(w -> w.at(due)));
      List<RecurringTask<byte[]>> recurringTasks = new ArrayList<>();
      recurring.values().forEach(r -> recurringTasks.add(runs.schedulerTask(r)));
      Optional<Scheduler> scheduler = Optional.empty();
      Optional<LaneExecutor> executor = Optional.empty();
      Optional<DueNotifications> dueListener = Optional.empty();
      SchedulerClient client;
      if (config.workers) {
        Lane lane = workerLane.orElseThrow();
        executor = Optional.of(new LaneExecutor(lane, HAND_BACK_WAIT));
        int threads = Math.max(1, capacity);
        boolean privateStore = config.url.isEmpty(); // the default: no other process or store can open it
        Duration heartbeat = config.heartbeat.orElse(privateStore ? PRIVATE_HEARTBEAT : HEARTBEAT);
        Duration poll = config.pollInterval.orElse(db.postgres() ? POSTGRES_POLL : privateStore ? PRIVATE_POLL : EMBEDDED_POLL);
        java.util.Set<String> names = new java.util.HashSet<>(engineTasks.keySet());
        names.addAll(recurring.keySet());
        SchedulerBuilder sb = Scheduler.create(db.dataSource(), known)
            .tableName(db.executionTable())
            // PostgreSQL: claim only this worker's types, so workers for other types leave them be.
            .jdbcCustomization(db.postgres() ? new PostgresOwnTypesDialect(names) : db.dialect())
            .serializer(PAYLOAD_BYTES)
            .executorService(executor.get())
            .threads(threads)
            .pollingInterval(poll)
            .heartbeatInterval(heartbeat)
            .missedHeartbeatsLimit(MISSED_HEARTBEATS)
            .shutdownMaxWait(config.shutdownGrace)
            // db-scheduler deleted every execution of a type this worker does not register once it
            // met one 14 days overdue: the tasks of another worker pool's type, or of a type whose
            // workers were down, vanished while their status stayed queued. Never.
            .deleteUnresolvedAfter(Duration.ofMillis(Long.MAX_VALUE))
            .schedulerName(new SchedulerName.Fixed(workerName()))
            .startTasks(recurringTasks) // stored once per type; the first worker to start schedules it
            .addSchedulerListener(new RevivalWakeup(wakeups.get()));
        if (db.postgres()) {
          // Claim (FOR UPDATE SKIP LOCKED) as many due executions as the lane has free slots (plus
          // claimAhead), and claim again as soon as any attempt ends while more are due: workers
          // never race for the same rows, and a freed slot waits for one claim's round trip, not
          // for the next poll. A claim ahead, or any claim once the lane has shrunk, waits in the
          // lane's queue without a heartbeat; one that waits too long is handed back before others
          // could take it for dead, or not run here if they did.
          int claimed = threads + config.claimAhead;
          sb.pollUsingLockAndFetch((claimed - 0.5) / threads, (double) claimed / threads);
          sb.addExecutionInterceptor(new StaleClaims(heartbeat.multipliedBy(MISSED_HEARTBEATS - 2)));
        }
        // H2 (one process) keeps db-scheduler's default: fetch 3x as many as candidates, each
        // claimed only once it holds a lane token (LaneExecutor).
        Scheduler s = sb.build();
        s.start();
        wakeups.get().wakes(s::triggerCheckForDueExecutions);
        recurring.values().forEach(r -> wakeups.get().following(r.schedule()));
        wakeAtStoredDueTimes(statuses, wakeups.get());
        sayWhatThisWorkerLeaves(statuses, names, db.postgres());
        scheduler = Optional.of(s);
        client = s;
        if (db.postgres()) {
          // Enqueues in other processes wake this worker at once (not at its next poll).
          dueListener = Optional.of(DueNotifications.listen(db, s::triggerCheckForDueExecutions));
        }
      } else {
        client = SchedulerClient.Builder.create(db.dataSource(), known)
            .tableName(db.executionTable())
            .jdbcCustomization(db.dialect())
            .serializer(PAYLOAD_BYTES)
            .build();
      }
      GroupCommit inserts = new GroupCommit(store::insertAll, TaskInsert.MAX_BATCH, TaskInsert.MAX_BATCH_BYTES,
          "lanes-tasks-enqueue");
      events.forwardTo(app.observability().listener());
      // Whoever works tasks expires them; an enqueue-only process leaves it to the workers.
      Optional<EndedTaskExpiry> expiry = config.workers
          ? config.retention.map(keep -> EndedTaskExpiry.start(statuses, keep, events)) : Optional.empty();
      running = new Running(app, db, statuses, inserts, client, scheduler, executor, dueListener, wakeups, expiry);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The most due times of tasks already stored that a starting worker wakes at. */
  private static final int STORED_WAKEUPS = 1000;

  /**
   * Wakes this worker at the due times of the tasks stored for later before it started (enqueued
   * before a restart, or by another process; retries waiting out their backoff), so they do not
   * wait for the poll (10 s embedded). Beyond the first {@code STORED_WAKEUPS} times, the poll.
   */
  private static void wakeAtStoredDueTimes(StatusTable statuses, DueWakeups wakeups) {
    try {
      statuses.dueAfter(Instant.now(), STORED_WAKEUPS).forEach(wakeups::at);
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "could not read the due times of stored tasks (the poll finds them): "
          + e.getMessage());
    }
  }

  /**
   * Logs the types of the tasks stored that this worker does not register, which it leaves in the
   * store for a worker that does: a type renamed or removed since its tasks were enqueued otherwise
   * left them queued for good without a word. A warning on an embedded store, which no other
   * process works; on PostgreSQL, where worker pools of other types are usual, information.
   */
  private static void sayWhatThisWorkerLeaves(StatusTable statuses, java.util.Set<String> registered, boolean shared) {
    try {
      statuses.storedByName().forEach((name, count) -> {
        if (!registered.contains(name)) {
          LOG.log(shared ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "the task store holds " + count
              + (count == 1 ? " task" : " tasks") + " of type '" + name + "', which this worker does not register: "
              + (shared ? "they wait for a worker that does" : "they wait until a worker registering it starts")
              + " (a type renamed or removed since they were enqueued: register it again, or cancel them)");
        }
      });
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "could not read the types of stored tasks: " + e.getMessage());
    }
  }

  /** How long {@link #close()} waits for interrupted attempts to hand their tasks back. */
  private static final Duration HAND_BACK_WAIT = Duration.ofSeconds(5);

  /** Heartbeats a worker may miss before its running tasks are given to others (db-scheduler's minimum). */
  static final int MISSED_HEARTBEATS = 4;

  private static final int DEFAULT_POOL = 10;

  /** The default bound on a payload's JSON ({@link Builder#maxPayloadBytes}): 1 MiB. */
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  /** The highest bound {@link Builder#maxPayloadBytes} accepts: a batch's ({@link TaskInsert#MAX_BATCH_BYTES}). */
  static final int MAX_PAYLOAD_BYTES_LIMIT = (int) TaskInsert.MAX_BATCH_BYTES;

  /** Enqueues a task due now; see {@link #enqueue(TaskType, Object, EnqueueOptions)}. */
  public <P> String enqueue(TaskType<P> type, P payload) {
    return enqueue(type, payload, EnqueueOptions.defaults());
  }

  /**
   * Stores a task and returns its id at once; a worker runs it when due. With a
   * {@linkplain EnqueueOptions#key key}, a task of this type enqueued earlier with the same key is
   * kept and its id returned (until it expired: {@link Builder#expireEndedAfter}). Concurrent enqueues are stored in batches, one commit each; the id is
   * returned once its batch committed.
   *
   * @throws IllegalArgumentException if {@code type} was not registered, the payload is not of its
   *     type, its JSON is longer than {@link Builder#maxPayloadBytes}, or the app's codec cannot write
   *     it as JSON or read its JSON back as the type's payload class
   * @throws IllegalStateException if not started or closed (during {@link #close}'s drain enqueues
   *     are still stored, for other workers or the next start), or the store fails
   */
  public <P> String enqueue(TaskType<P> type, P payload, EnqueueOptions options) {
    CompletableFuture<String> stored = enqueueAsync(type, payload, options);
    // Not interruptible: the task may be stored already, and the caller must learn its id.
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return stored.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Enqueues a task due now without blocking; see {@link #enqueueAsync(TaskType, Object, EnqueueOptions)}. */
  public <P> CompletableFuture<String> enqueueAsync(TaskType<P> type, P payload) {
    return enqueueAsync(type, payload, EnqueueOptions.defaults());
  }

  /**
   * {@link #enqueue(TaskType, Object, EnqueueOptions)} without blocking, for async handlers: the
   * future completes with the id once the task's batch committed (on a thread of the task store,
   * not the caller's), or with an {@link IllegalStateException} if the store failed.
   *
   * <pre>{@code .postAsync("/sleep", req -> tasks.enqueueAsync(SLEEP, new Sleep(1)).thenApply(id -> Response.json(Map.of("id", id))))}</pre>
   *
   * @throws IllegalArgumentException if {@code type} was not registered, the payload is not of its
   *     type, its JSON is longer than {@link Builder#maxPayloadBytes}, or the app's codec cannot write
   *     it as JSON or read its JSON back as the type's payload class
   * @throws IllegalStateException if not started or closed
   */
  public <P> CompletableFuture<String> enqueueAsync(TaskType<P> type, P payload, EnqueueOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(options, "options");
    Running r = running();
    if (types.get(type.name()) != type) {
      throw new IllegalArgumentException("task type '" + type.name() + "' is not registered on Tasks.builder().type(...)");
    }
    if (!type.payloadType().isInstance(payload)) {
      throw new IllegalArgumentException("task type '" + type.name() + "' takes a " + type.payloadType().getName()
          + ", got a " + payload.getClass().getName());
    }
    String id = options.key()
        .map(k -> UUID.nameUUIDFromBytes((type.name() + "\u0000" + k).getBytes(StandardCharsets.UTF_8)))
        .orElseGet(UUID::randomUUID).toString();
    byte[] data = payloadJson(r.app().json(), type, payload, config.maxPayloadBytes);
    readsBack(r.app().json(), type, data);
    Instant now = Instant.now();
    Instant due = options.dueAt(now);
    return r.inserts().submit(new TaskInsert.Row(id, type.name(), data, now, due)).handle((added, error) -> {
      if (error != null) {
        throw new IllegalStateException("task store failed enqueueing " + type.name() + ": " + error.getMessage(), error);
      }
      if (!added) {
        return id; // the key's task exists: idempotent
      }
      if (!due.isAfter(now)) {
        r.scheduler().ifPresent(Scheduler::triggerCheckForDueExecutions); // this process's free slots start it now
      } else {
        r.wakeups().ifPresent(w -> w.at(due));
      }
      events.enqueued(type.name(), id, due.isAfter(now) ? Duration.between(now, due) : Duration.ZERO);
      return id;
    });
  }

  /**
   * The payload's JSON, written through a {@link BoundedOutput}: one longer than {@code limit} is
   * refused as soon as the writer passes it, never built whole (refused before it joins a batch too:
   * stored, it would make the batch's statement fail every enqueue in it). A payload the codec cannot
   * write (nested past its depth, a field it cannot serialise) is the caller's argument, not a
   * failing store.
   */
  private static byte[] payloadJson(JsonCodec json, TaskType<?> type, Object payload, int limit) {
    BoundedOutput out = new BoundedOutput(limit);
    try {
      json.write(payload, out);
    } catch (IOException | RuntimeException unwritable) {
      // The output's own refusal, however a serializer between passed it on (wrapped, or as another exception).
      if (out.pastLimit()) {
        throw pastLimit(type, out, limit);
      }
      throw new IllegalArgumentException("payload of task type '" + type.name() + "' cannot be written as JSON, "
          + "so it cannot be stored: " + unwritable.getMessage(), unwritable);
    }
    // A serializer that swallowed the refusal returns normally with the JSON cut short at the limit.
    if (out.pastLimit()) {
      throw pastLimit(type, out, limit);
    }
    return out.toByteArray();
  }

  private static IllegalArgumentException pastLimit(TaskType<?> type, BoundedOutput out, int limit) {
    return new IllegalArgumentException("payload of task type '" + type.name() + "' is at least " + out.asked()
        + " bytes of JSON, past the limit of " + limit + " (Tasks.Builder.maxPayloadBytes)");
  }

  /**
   * Refuses a payload whose JSON the worker could not read as the type's payload class (a string or
   * number past the codec's reading limits, a class the codec writes but cannot construct): stored,
   * every attempt would fail, and only on a worker, long after the enqueue returned its id.
   */
  private static void readsBack(JsonCodec json, TaskType<?> type, byte[] data) {
    try {
      json.readValue(data, type.payloadType());
    } catch (RuntimeException unreadable) {
      throw new IllegalArgumentException("payload of task type '" + type.name() + "' does not read back from its JSON as "
          + type.payloadType().getName() + ", so no worker could run it: " + unreadable.getMessage(), unreadable);
    }
  }

  /**
   * The task's state, attempts, result and error; empty for an id the store does not know (never
   * enqueued, or ended longer ago than {@link Builder#expireEndedAfter} and deleted).
   */
  public Optional<TaskStatus> status(String id) {
    Objects.requireNonNull(id, "id");
    Running r = running();
    if (!couldBeAnId(id)) {
      return Optional.empty();
    }
    try {
      return r.statuses().find(id);
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed reading task " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Cancels a queued task (also one waiting for a retry): it will not run. False if the task is
   * running, final or unknown; a running attempt is never interrupted.
   */
  public boolean cancel(String id) {
    Objects.requireNonNull(id, "id");
    Running r = running();
    if (!couldBeAnId(id)) {
      return false;
    }
    try {
      Optional<TaskStatus> status = r.statuses().find(id);
      if (status.isEmpty() || !r.statuses().cancel(id, Instant.now())) {
        return false;
      }
      try {
        r.client().cancel(TaskInstanceId.of(status.get().name(), id));
      } catch (RuntimeException e) {
        // Picked meanwhile, or already gone: the attempt sees 'cancelled' and does not run.
      }
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed cancelling task " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a task could have {@code id}: ids are UUIDs and {@code name@dueEpochMillis}, never with
   * NUL, which PostgreSQL's text refuses even in a query (an id from a URL may hold one).
   */
  private static boolean couldBeAnId(String id) {
    return id.indexOf('\0') < 0;
  }

  /** Counts per state and the queue's age in the store, and this process's own counts. */
  public TaskStatistics statistics() {
    try {
      Running r = running();
      StatusTable.Counts c = r.statuses().counts();
      return new TaskStatistics(c.byState(), c.redeliveries(), r.statuses().oldestDue(Instant.now()), events.enqueued.sum(), events.started.sum(),
          events.succeeded.sum(), events.retried.sum(), events.failed.sum());
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed counting tasks: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes now, as the worker's sweep does, the tasks that ended before {@code now} minus the
   * retention (tests: a {@code now} ahead of the clock stands for the time passing); returns how many.
   */
  long expireEnded(Instant now) {
    Running r = running();
    try {
      return EndedTaskExpiry.sweep(r.statuses(), config.retention.orElseThrow(), now, events, () -> false);
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed deleting expired tasks: " + e.getMessage(), e);
    }
  }

  /** The task types registered, by name. */
  public Map<String, TaskType<?>> types() {
    return types;
  }

  /** The recurring task types' cron expressions, by type name ({@link Builder#recurring}). */
  public Map<String, String> recurring() {
    Map<String, String> cron = new LinkedHashMap<>();
    recurring.values().forEach(r -> cron.put(r.type().name(), r.cron()));
    return cron;
  }

  /**
   * A table of task counts per type and state for the {@code /_lanes} dashboard, read from the
   * store at most once a second; empty while not running.
   *
   * <pre>{@code LanesDashboard.mount(app::getAsync, "/_lanes", List.of(tasks.dashboardSection()));}</pre>
   */
  public DashboardSection dashboardSection() {
    return new TaskDashboardSection(this);
  }

  /** Tasks in the store per type name and state (every process's). */
  Map<String, Map<TaskState, Long>> countsByType() {
    Running r = running();
    Map<String, Map<TaskState, Long>> out = new java.util.TreeMap<>();
    try (Connection c = r.db().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT name, state, COUNT(*) FROM " + r.db().statusTable() + " GROUP BY name, state");
        ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        out.computeIfAbsent(rows.getString(1), n -> new java.util.EnumMap<>(TaskState.class))
            .put(TaskState.ofWire(rows.getString(2)), rows.getLong(3));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("task store failed counting tasks per type: " + e.getMessage(), e);
    }
  }

  /**
   * Stops claiming tasks, lets running attempts finish for up to the shutdown grace, interrupts the
   * rest (they are handed back, due now, for another worker or the next start), and closes the
   * store. Enqueues meanwhile (a running handler's follow-up) are stored for other workers or the
   * next start; once it returns they fail. Idempotent.
   */
  @Override
  public synchronized void close() {
    Running r = running;
    if (r == null) {
      return;
    }
    // Keep the store readable (statistics, status, the dashboard, gauges) and enqueues stored while
    // the running attempts drain: a draining worker still shows what it runs, and a handler that
    // enqueues its follow-up (a chain's next step) does not fail for it.
    // Claims stop before the drain shows: a task enqueued once isClosing() is true waits for another
    // worker or the next start (only a claim already past its check may still take one).
    r.scheduler().ifPresent(Scheduler::pause);
    closing = true;
    try {
      r.dueListener().ifPresent(DueNotifications::close);
      r.scheduler().ifPresent(Scheduler::stop);
      r.wakeups().ifPresent(DueWakeups::close);
      r.expiry().ifPresent(EndedTaskExpiry::close); // after the scheduler stopped claiming: a sweep may take a moment
      if (r.executor().isPresent()) {
        // The interrupted attempts hand their tasks back and need the store open for it: wait for
        // them, until the hand-back wait after the interrupt has passed (LaneExecutor).
        r.executor().get().awaitTermination(HAND_BACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      r.inserts().close(); // stores what was handed over before the store closes; later enqueues fail
      running = null;
      closing = false;
      r.db().close();
    }
  }

  /**
   * Whether {@link #start} ran and {@link #close} has not ended: true while close drains the
   * running attempts (the store is readable, enqueues are stored).
   */
  public boolean isRunning() {
    return running != null;
  }

  /** How long {@link #close} lets running attempts finish. */
  Duration shutdownGrace() {
    return config.shutdownGrace;
  }

  /** Whether {@link #close} is draining. */
  boolean isClosing() {
    return closing;
  }

  private Running running() {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException("tasks are not running: call tasks.start(app) first (or it was closed)");
    }
    return r;
  }

  private static String workerName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Collects task types and where the store is; {@link #build()} checks nothing is missing. */
  public static final class Builder {
    private final Map<String, TaskType<?>> types = new LinkedHashMap<>();
    private final List<TaskListener> listeners = new ArrayList<>();
    private final Map<String, RecurringType<?>> recurring = new LinkedHashMap<>();
    private Optional<String> url = Optional.empty();
    private Optional<String> user = Optional.empty();
    private Optional<String> password = Optional.empty();
    private boolean workers = true;
    private String workerLane = WORKER_LANE;
    private Optional<Duration> pollInterval = Optional.empty(); // POSTGRES_POLL, EMBEDDED_POLL or PRIVATE_POLL
    private Optional<Duration> heartbeat = Optional.empty(); // HEARTBEAT or PRIVATE_HEARTBEAT
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private String tablePrefix = "lanes_";
    private Optional<Integer> poolSize = Optional.empty();
    private int claimAhead;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Optional<Duration> retention = Optional.of(Duration.ofDays(1)); // empty: kept for good

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.url = url;
      b.user = user;
      b.password = password;
      b.workers = workers;
      b.workerLane = workerLane;
      b.pollInterval = pollInterval;
      b.heartbeat = heartbeat;
      b.shutdownGrace = shutdownGrace;
      b.tablePrefix = tablePrefix;
      b.poolSize = poolSize;
      b.claimAhead = claimAhead;
      b.maxPayloadBytes = maxPayloadBytes;
      b.retention = retention;
      return b;
    }

    /** Registers a task type; every process sharing a store registers the types it enqueues or runs. */
    public Builder type(TaskType<?> type) {
      Objects.requireNonNull(type, "type");
      if (recurring.containsKey(type.name()) || types.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("task type '" + type.name() + "' registered twice");
      }
      return this;
    }

    /**
     * The store: {@code jdbc:h2:file:./data/tasks} (durable, this machine) or
     * {@code jdbc:postgresql://host:5432/db} (shared with worker processes). Default: an
     * in-memory H2 database of this process, gone when it stops.
     */
    public Builder database(String jdbcUrl) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      this.url = jdbcUrl.isBlank() ? Optional.empty() : Optional.of(jdbcUrl.strip());
      return this;
    }

    /** The database user (and password, if any). */
    public Builder credentials(String user, Optional<String> password) {
      this.user = Optional.of(Objects.requireNonNull(user, "user"));
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Whether this process runs tasks (default) or only enqueues and queries them. */
    public Builder workers(boolean runTasks) {
      this.workers = runTasks;
      return this;
    }

    /** The lane this process's workers run in (default {@code tasks}, see {@link Tasks#lane(int)}). */
    public Builder workerLane(String lane) {
      this.workerLane = Objects.requireNonNull(lane, "lane");
      return this;
    }

    /**
     * How often workers look for due tasks (default 200 ms on PostgreSQL, 10 s in an H2 file, 1 min
     * in the default private in-memory store). Tasks
     * enqueued in this process (due now or later) and its retries start at their time without
     * waiting for it, and so do, on PostgreSQL, tasks due now that any process enqueued
     * (LISTEN/NOTIFY), recurring runs at their schedule's times, and the tasks of a dead worker
     * once they are found. The poll finds the rest:
     * delayed tasks and retries from other processes, anything a notification missed.
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Optional.of(positive(interval, "pollInterval"));
      return this;
    }

    /**
     * How often a worker marks its running tasks alive (default 2 s; 1 min for the default private
     * in-memory store). After four missed beats (8 s) other workers take the tasks over; they look
     * every two beats, so a dead worker's tasks restart within about 8-14 s.
     */
    public Builder heartbeat(Duration interval) {
      this.heartbeat = Optional.of(positive(interval, "heartbeat"));
      return this;
    }

    /**
     * Due tasks a PostgreSQL worker claims beyond its free slots, to wait in its lane's queue
     * (default 0). Each saves a freed slot one claim's round trip, which pays for many short
     * tasks; but at the end of a queue a worker holds up to this many tasks that an idle worker
     * elsewhere could have run: with 1 s tasks, 2 ahead made the last two finish a second after
     * the rest (benchmarks/RESULTS.md, seed003). A claim that waits over two heartbeats is handed
     * back unstarted. Usage: {@code Tasks.builder().database(url).claimAhead(2)}.
     */
    public Builder claimAhead(int tasks) {
      if (tasks < 0) {
        throw new IllegalArgumentException("claimAhead must not be negative: " + tasks);
      }
      this.claimAhead = tasks;
      return this;
    }

    /**
     * How long a task's status is kept after it ended (succeeded, failed or cancelled; default 1
     * day, as Celery's {@code result_expires}). Then a worker deletes it: {@link Tasks#status}
     * answers empty for its id, and an enqueue with its {@linkplain EnqueueOptions#key key} makes a
     * new task (under the same id). Queued and running tasks are never deleted. Workers sweep every
     * retention, at most a minute apart; an enqueue-only process ({@code workers(false)}) does not.
     * Usage: {@code Tasks.builder().expireEndedAfter(Duration.ofHours(6))}.
     *
     * @throws IllegalArgumentException if not positive ({@link #keepEndedForever()} keeps them)
     */
    public Builder expireEndedAfter(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("expireEndedAfter must be positive, got " + retention
            + " (to keep ended tasks for good, use keepEndedForever())");
      }
      this.retention = Optional.of(retention);
      return this;
    }

    /**
     * Keeps the status of ended tasks for good (the table then grows with every task; delete its
     * rows yourself). Usage: {@code Tasks.builder().keepEndedForever()}.
     */
    public Builder keepEndedForever() {
      this.retention = Optional.empty();
      return this;
    }

    /**
     * The most bytes a payload's JSON may take (default 1 MiB, at most 64 MiB): {@link Tasks#enqueue}
     * refuses a larger one with an {@link IllegalArgumentException} naming the type, the size written
     * when it stopped and the limit, before it joins a batch, so it never fails the enqueues stored with
     * it; the JSON is never built past the limit (its writing stops there). A payload names
     * the data (a path, a key in object storage), it does not carry it.
     * Usage: {@code Tasks.builder().maxPayloadBytes(4 * 1024 * 1024)}.
     *
     * @throws IllegalArgumentException if below 1 or above 64 MiB
     */
    public Builder maxPayloadBytes(int bytes) {
      if (bytes < 1 || bytes > MAX_PAYLOAD_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxPayloadBytes must be 1.." + MAX_PAYLOAD_BYTES_LIMIT + " (64 MiB), got " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /** How long {@link Tasks#close()} lets running attempts finish before interrupting them (default 30 s). */
    public Builder shutdownGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must not be negative");
      }
      this.shutdownGrace = grace;
      return this;
    }

    /** The prefix of the two tables (default {@code lanes_}: {@code lanes_tasks}, {@code lanes_scheduled_tasks}). */
    public Builder tablePrefix(String prefix) {
      if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
        throw new IllegalArgumentException("table prefix must be a lower-case SQL name of up to 31 characters, got '" + prefix + "'");
      }
      this.tablePrefix = prefix;
      return this;
    }

    /** Connections to the store (default 10, or the worker lane's capacity + 2 if more). */
    public Builder poolSize(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("poolSize must be >= 1, got " + connections);
      }
      this.poolSize = Optional.of(connections);
      return this;
    }

    /**
     * Runs {@code type} with {@code payload} on a cron schedule: six fields, second minute hour
     * day-of-month month day-of-week, in this JVM's time zone ({@code "0 0 3 * * *"}: 03:00 every
     * day; {@code "*}{@code /10 * * * * *"}: every 10 s). Each due time runs once across all
     * workers sharing the store, never two runs of the type at once; each run is a task with id
     * {@code name@dueEpochMillis}, queryable with {@link Tasks#status}. A run that throws is
     * {@code failed}: the next due time is its retry (the type's retry policy is not used). The type
     * is not enqueued with {@link Tasks#enqueue}.
     *
     * <pre>{@code Tasks.builder().recurring(CLEANUP, "0 *}{@code /5 * * * *", new Cleanup(Duration.ofDays(7)))}</pre>
     *
     * @throws IllegalArgumentException if the expression is not a valid cron expression or never
     *     comes due (naming it), the name is longer than 50 characters or registered already
     */
    public <P> Builder recurring(TaskType<P> type, String cron, P payload) {
      return recurring(type, cron, ZoneId.systemDefault(), payload);
    }

    /**
     * {@link #recurring(TaskType, String, Object)} with the cron expression's times in {@code zone}
     * rather than this JVM's, so that workers whose JVMs are set to other zones agree on the
     * schedule. Across a daylight-saving change the times read as cron(8) reads them (docs/tasks.md).
     *
     * <pre>{@code Tasks.builder().recurring(BACKUP, "0 30 2 * * *", ZoneId.of("Europe/Paris"), new Backup())}</pre>
     *
     * @throws IllegalArgumentException as {@link #recurring(TaskType, String, Object)}
     */
    public <P> Builder recurring(TaskType<P> type, String cron, ZoneId zone, P payload) {
      RecurringType<P> r = RecurringType.of(type, cron, zone, payload);
      if (types.containsKey(type.name()) || recurring.putIfAbsent(type.name(), r) != null) {
        throw new IllegalArgumentException("task type '" + type.name() + "' registered twice");
      }
      return this;
    }

    /** Adds a listener for this process's task events. */
    public Builder listener(TaskListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public Tasks build() {
      return new Tasks(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
