package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.testing.Await;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The task API's behaviour, the same for every store: the embedded one ({@link EmbeddedTasksTest})
 * and PostgreSQL shared by several workers ({@link PostgresTasksTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TaskSuite {
  static final Duration LONG = Duration.ofSeconds(30);

  record Job(String text, int n) {}

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A store of this test's own (empty tables) that several {@link Tasks} in this JVM can share. */
  abstract Tasks.Builder store();

  /**
   * Whether growing the worker lane lets more tasks run at once without a restart: true where
   * db-scheduler fetches candidates that wait for lane tokens (H2), false where it claims for the
   * capacity the lane had at start (PostgreSQL, lock-and-fetch).
   */
  boolean growingTheLaneTakesEffectAtOnce() {
    return true;
  }

  /** A connection to the store of {@link #store()}, to set up what the task API cannot. */
  abstract Connection connect() throws SQLException;

  /** The prefix of the store's tables. */
  abstract String tablePrefix();

  /** Makes the store refuse, once, the first update of a status row to {@code state} (a wire name). */
  abstract void refuseOnce(String state) throws SQLException;

  /** Makes the store refuse every update of a status row to {@code state} (a wire name). */
  abstract void refuseEvery(String state) throws SQLException;

  /** Forgets the store made by {@link #store()} after each test. */
  void dropStore() throws Exception {}

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    dropStore();
  }

  Tasks start(Tasks.Builder builder, int workerCapacity, Lane.Builder... lanes) {
    App.Builder b = App.builder().lane(Tasks.lane(workerCapacity));
    for (Lane.Builder l : lanes) {
      b.lane(l);
    }
    App app = b.build();
    opened.add(app);
    Tasks tasks = builder.build();
    tasks.start(app);
    opened.add(tasks);
    return tasks;
  }

  static TaskStatus awaitState(Tasks tasks, String id, TaskState state) {
    return Await.value(LONG, () -> tasks.status(id).orElseThrow(), s -> s.state() == state, "task " + id + " " + state.wire());
  }

  @Test
  void anEnqueuedTaskRunsAndItsResultIsQueryableById() {
    TaskType<Job> echo = TaskType.of("echo", Job.class, job -> Map.of("upper", job.text().toUpperCase(), "n", job.n() * 2));
    Tasks tasks = start(store().type(echo), 4);

    String id = tasks.enqueue(echo, new Job("hi", 21));

    TaskStatus done = awaitState(tasks, id, TaskState.SUCCEEDED);
    assertThat(done.id()).isEqualTo(id);
    assertThat(done.name()).isEqualTo("echo");
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.redeliveries()).isZero();
    assertThat(done.error()).isEmpty();
    assertThat(done.result().orElseThrow().get("upper").asText()).isEqualTo("HI");
    assertThat(done.result().orElseThrow().get("n").asInt()).isEqualTo(42);
    assertThat(tasks.statistics().byState()).containsEntry(TaskState.SUCCEEDED, 1L);
  }

  @Test
  void aFailingTaskIsRetriedWithGrowingBackoffThenFails() {
    List<Instant> starts = new CopyOnWriteArrayList<>();
    List<Duration> backoffs = new CopyOnWriteArrayList<>();
    TaskType<Job> broken = TaskType.of("broken", Job.class, job -> {
      starts.add(Instant.now());
      throw new IllegalStateException("boom " + starts.size());
    }).retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(200), 2.0));
    Tasks tasks = start(store().type(broken).listener(new TaskListener() {
      @Override
      public void retried(String name, String id, int attempt, Duration backoff, Throwable error) {
        backoffs.add(backoff);
      }
    }), 2);

    String id = tasks.enqueue(broken, new Job("x", 1));

    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.error().orElseThrow()).contains("IllegalStateException").contains("boom 3");
    assertThat(backoffs).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(starts).hasSize(3);
    // each retry started no earlier than its backoff after the previous attempt began
    assertThat(Duration.between(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(Duration.between(starts.get(1), starts.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void aHandlerThrowingAnErrorEndsItsAttemptsByTheRetryPolicy() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> buggy = TaskType.of("buggy", Job.class, job -> {
      calls.incrementAndGet();
      throw new AssertionError("a bug in the handler");
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(50), 1.0));
    Tasks tasks = start(store().type(buggy), 2);

    String id = tasks.enqueue(buggy, new Job("x", 1));

    // Left to db-scheduler, an Error kept the task running and re-ran it every 5 s for good.
    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.redeliveries()).isZero();
    assertThat(failed.error().orElseThrow()).contains("AssertionError").contains("a bug in the handler");
    assertThat(calls).hasValue(2);
  }

  @Test
  void anAsyncHandlerFailingWithAnErrorRecordsThatError() throws Exception {
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    TaskType<Job> buggy = TaskType.ofAsync("async-buggy", Job.class,
        job -> CompletableFuture.failedFuture(new AssertionError("a bug in the stage"))).retry(RetryPolicy.none());
    Tasks tasks = start(store().type(buggy).listener(new TaskListener() {
      @Override
      public void failed(String name, String id, int attempt, Throwable error) {
        seen.complete(error);
      }
    }), 2);

    String id = tasks.enqueue(buggy, new Job("x", 1));

    // as a blocking handler's throw is recorded, not wrapped in the future's ExecutionException
    assertThat(awaitState(tasks, id, TaskState.FAILED).error().orElseThrow())
        .isEqualTo("java.lang.AssertionError: a bug in the stage");
    assertThat(seen.get(LONG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(AssertionError.class);
  }

  @Test
  void aResultThatCannotBeStoredFailsTheTaskWithoutRunningItAgain() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> cyclic = TaskType.of("cyclic", Job.class, job -> {
      calls.incrementAndGet();
      Map<String, Object> result = new java.util.HashMap<>();
      result.put("self", result); // Jackson cannot write a cycle
      return result;
    }).retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = start(store().type(cyclic), 2);

    String id = tasks.enqueue(cyclic, new Job("x", 1));

    // The handler's work is done: running it again (here 3 times) repeated its effects.
    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.error().orElseThrow()).contains("cannot be stored as JSON");
    assertThat(calls).hasValue(1);
  }

  /** A result whose writing throws an Error: reading its field fails an assertion (Jackson rethrows Errors as they are). */
  record Unwritable(String text) {
    @Override
    public String text() {
      throw new AssertionError("no text to give");
    }
  }

  @Test
  void aResultWhoseWritingThrowsAnErrorFailsTheTaskWithoutRunningItAgain() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> asserting = TaskType.of("asserting-result", Job.class, job -> {
      calls.incrementAndGet();
      return new Unwritable(job.text());
    }).retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = start(store().type(asserting), 2);

    String id = tasks.enqueue(asserting, new Job("x", 1));

    // The Error passed the result's check as a handler's throw: retried by the policy, the handler ran 3 times.
    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(calls).hasValue(1);
    assertThat(failed.error().orElseThrow()).contains("cannot be stored as JSON").contains("no text to give");
  }

  @Test
  void aTaskWhoseSuccessTheStoreRefusesOnceEndsSucceededNotFailedByItsPolicy() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> once = TaskType.of("once", Job.class, job -> calls.incrementAndGet()).retry(RetryPolicy.none());
    Tasks tasks = start(store().type(once), 1);
    refuseOnce("succeeded");
    Logger logger = (Logger) LoggerFactory.getLogger(StatusTable.class.getName());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);

    try {
      String id = tasks.enqueue(once, new Job("x", 1));
      // The store's refusal was taken for the handler's failure: 'failed' with the store's error (or,
      // with retries left, retried as a failure) though the handler had returned.
      TaskStatus ended = Await.value(LONG, () -> tasks.status(id).orElseThrow(),
          s -> s.state() == TaskState.SUCCEEDED || s.state() == TaskState.FAILED, "task " + id + " ended");
      assertThat(ended.state()).as(ended.toString()).isEqualTo(TaskState.SUCCEEDED);
      // The write is tried once more at once: it was redelivered 5 s later, and the handler ran again.
      assertThat(ended.redeliveries()).isZero();
      assertThat(calls).hasValue(1);
      // The refusal the second write got past is logged, not hidden. The log follows the write that
      // made the success visible, so it is awaited, not read at once.
      Await.until(LONG, () -> warnings(appender).stream()
          .anyMatch(m -> m.contains(id) && m.contains("refused once: the write of state succeeded")),
          "a WARN naming " + id + " and the store's refusal");
    } finally {
      logger.detachAppender(appender);
    }
  }

  /** The WARN messages logged so far; read under the appender's lock, which its appends hold. */
  private static List<String> warnings(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /**
   * With no redeliveries allowed, a success the store refused once ended the task failed ("its
   * worker died under it again") though its handler had returned: the write tried once more stores it.
   */
  @Test
  void aSuccessTheStoreRefusesOnceWithNoRedeliveriesAllowedEndsSucceeded() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> once = TaskType.of("at-most-once", Job.class, job -> job.text() + calls.incrementAndGet())
        .maxRedeliveries(0);
    Tasks tasks = start(store().type(once), 1);
    refuseOnce("succeeded");

    String id = tasks.enqueue(once, new Job("x", 1));

    TaskStatus ended = Await.value(LONG, () -> tasks.status(id).orElseThrow(), s -> s.state().isFinal(), "task " + id + " ended");
    assertThat(ended.state()).as(ended.toString()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(ended.result().orElseThrow().asText()).isEqualTo("x1");
    assertThat(ended.attempts()).isEqualTo(1);
    assertThat(ended.redeliveries()).isZero();
    assertThat(calls).hasValue(1);
  }

  /**
   * A task whose success the store refuses every time is redelivered (the handler runs again) up to
   * its type's bound, then fails: it failed saying its worker had died, though none had.
   */
  @Test
  void aTaskWhoseSuccessTheStoreKeepsRefusingFailsSayingSoNotThatItsWorkerDied() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> refused = TaskType.of("refused", Job.class, job -> calls.incrementAndGet()).maxRedeliveries(1);
    Tasks tasks = start(store().type(refused), 1);
    refuseEvery("succeeded");

    String id = tasks.enqueue(refused, new Job("x", 1));

    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.error().orElseThrow())
        .startsWith("the end of its last attempt could not be stored (its handler returned, but the store failed "
            + "recording its success: ")
        .contains("refused every time: the write of state succeeded") // the store's error
        .contains("redelivered 1 times already, the most its type allows (maxRedeliveries 1); not run again")
        .doesNotContain("died");
    assertThat(failed.redeliveries()).isEqualTo(2);
    assertThat(calls).hasValue(2);
  }

  /**
   * With no redeliveries allowed, a task whose success the store keeps refusing is not run again (its
   * handler's work was done): it ends failed saying the handler returned and its success could not be
   * stored, where it said its worker had died.
   */
  @Test
  void aSuccessTheStoreKeepsRefusingWithNoRedeliveriesAllowedFailsSayingTheHandlerReturned() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> once = TaskType.of("once", Job.class, job -> calls.incrementAndGet()).maxRedeliveries(0);
    Tasks tasks = start(store().type(once), 1);
    refuseEvery("succeeded");

    String id = tasks.enqueue(once, new Job("x", 1));

    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.error().orElseThrow())
        .startsWith("the end of its last attempt could not be stored (its handler returned, but the store failed "
            + "recording its success: ")
        .contains("refused every time: the write of state succeeded")
        .contains("(maxRedeliveries 0); not run again")
        .doesNotContain("died");
    assertThat(calls).as("the handler ran once").hasValue(1);
  }

  /**
   * A column whose name differs from a new one only where that has an underscore is not taken for
   * it: the names went to DatabaseMetaData.getColumns as patterns, where '_' matches any character,
   * so an old table with a column handedxback was taken to have handed_back and every start failed.
   */
  @Test
  void aColumnMatchingANewOnesNameAsAPatternIsNotTakenForIt() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + tablePrefix() + "tasks (id VARCHAR(64) PRIMARY KEY, name VARCHAR(100) NOT NULL, "
          + "state VARCHAR(16) NOT NULL, attempts INT NOT NULL, redeliveries INT NOT NULL, result VARCHAR(10000), "
          + "error VARCHAR(10000), enqueued_ms BIGINT NOT NULL, run_at_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, "
          + "handedxback INT)");
    }
    TaskType<Job> echo = TaskType.of("echo", Job.class, Job::text);
    Tasks tasks = start(store().type(echo), 1);

    String id = tasks.enqueue(echo, new Job("ran", 1));

    assertThat(awaitState(tasks, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("ran");
  }

  /**
   * A status table an older version created, without the columns added since (handed_back,
   * unstored), gets them as workers start, two at once: each start finds a column missing or sees
   * the other's (on PostgreSQL one at a time, under an advisory lock). Without a column every
   * attempt's start failed on it; no test started from such a table.
   */
  @Test
  void aStatusTableOfAnOlderVersionGetsTheNewColumnsAsTwoWorkersStartAtOnce() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + tablePrefix() + "tasks (id VARCHAR(64) PRIMARY KEY, name VARCHAR(100) NOT NULL, "
          + "state VARCHAR(16) NOT NULL, attempts INT NOT NULL, redeliveries INT NOT NULL, result VARCHAR(10000), "
          + "error VARCHAR(10000), enqueued_ms BIGINT NOT NULL, run_at_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)");
    }
    TaskType<Job> echo = TaskType.of("echo", Job.class, Job::text);
    List<CompletableFuture<Tasks>> starts = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) {
      App app = App.builder().lane(Tasks.lane(1)).build();
      opened.add(app);
      Tasks tasks = store().type(echo).build();
      opened.add(tasks);
      starts.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        tasks.start(app);
        return tasks;
      }));
    }
    go.countDown();
    Tasks tasks = starts.get(0).get(LONG.toSeconds(), TimeUnit.SECONDS);
    starts.get(1).get(LONG.toSeconds(), TimeUnit.SECONDS);

    String id = tasks.enqueue(echo, new Job("ran", 1));

    assertThat(awaitState(tasks, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("ran");
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT handed_back, unstored FROM " + tablePrefix() + "tasks WHERE id = '" + id + "'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isZero();
      assertThat(r.getString(2)).isNull();
    }
  }

  /** A number the codec writes but will not read back: Jackson reads at most 1000 digits. */
  static final java.math.BigInteger TOO_LONG_TO_READ = java.math.BigInteger.TEN.pow(1000);

  record Big(java.math.BigInteger n) {}

  @Test
  void aResultThatCannotBeReadBackFailsTheTaskAndItsStatusStaysReadable() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> huge = TaskType.of("huge-result", Job.class, job -> {
      calls.incrementAndGet();
      return Map.of("n", TOO_LONG_TO_READ);
    }).retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = start(store().type(huge), 2);

    String id = tasks.enqueue(huge, new Job("x", 1));

    // Stored as written, status(id) threw the codec's reading error (an HTTP 400) for good.
    TaskStatus failed = awaitState(tasks, id, TaskState.FAILED);
    assertThat(failed.result()).isEmpty();
    assertThat(failed.error().orElseThrow()).contains("cannot be stored as JSON").contains("1000")
        .doesNotContain("JSON body"); // no HTTP request is involved
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPayloadThatCannotBeReadBackIsRefusedOnTheCallersThread() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Big> big = TaskType.of("big-payload", Big.class, b -> calls.incrementAndGet());
    Tasks tasks = start(store().type(big), 2);

    // Stored, it failed on the worker as "changed since the enqueue?", which it was not.
    assertThatThrownBy(() -> tasks.enqueue(big, new Big(TOO_LONG_TO_READ)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload of task type 'big-payload'").hasMessageContaining(Big.class.getName())
        .hasMessageContaining("field 'n': ").hasMessageContaining("1000")
        .hasMessageNotContaining("JSON body"); // no HTTP request is involved
    assertThatThrownBy(() -> tasks.enqueueAsync(big, new Big(TOO_LONG_TO_READ)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tasks.statistics().byState().values().stream().mapToLong(Long::longValue).sum()).isZero();
    assertThat(tasks.statistics().enqueued()).isZero();
    assertThat(calls).hasValue(0);
  }

  /** A {@link Job} whose JSON is exactly {@code bytes} long: {"text":"aaa...","n":1}. */
  static Job jobOfJsonSize(int bytes) {
    return new Job("a".repeat(bytes - "{\"text\":\"\",\"n\":1}".length()), 1);
  }

  @Test
  void aPayloadPastTheDefaultSizeLimitIsRefusedNamingTypeSizeAndLimitAndOneAtTheLimitRuns() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> big = TaskType.of("big-job", Job.class, j -> calls.incrementAndGet() + j.text().length());
    Tasks tasks = start(store().type(big), 2);
    int limit = 1024 * 1024;

    // Stored, however large: a batch of them on PostgreSQL could fail every enqueue sharing it.
    assertThatThrownBy(() -> tasks.enqueue(big, jobOfJsonSize(limit + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("payload of task type 'big-job' is at least " + (limit + 1) + " bytes of JSON, past the limit of " + limit
            + " (Tasks.Builder.maxPayloadBytes)");
    assertThatThrownBy(() -> tasks.enqueueAsync(big, jobOfJsonSize(limit + 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(tasks.statistics().enqueued()).isZero();

    String id = tasks.enqueue(big, jobOfJsonSize(limit));
    assertThat(awaitState(tasks, id, TaskState.SUCCEEDED).attempts()).isEqualTo(1);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPayloadPastAConfiguredSizeLimitIsRefusedWhileOthersEnqueuedAtOnceAreStored() throws Exception {
    TaskType<Job> small = TaskType.of("small-job", Job.class, j -> j.n());
    Tasks tasks = start(store().type(small).maxPayloadBytes(100), 2);
    // Enqueues from many threads at once share batches; the oversized ones never reach one.
    List<CompletableFuture<Object>> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Job job = jobOfJsonSize(i % 4 == 0 ? 101 : 100);
      outcomes.add(CompletableFuture.supplyAsync(() -> {
        try {
          return tasks.enqueue(small, job);
        } catch (IllegalArgumentException refused) {
          return refused;
        }
      }));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Object> outcome : outcomes) {
      Object o = outcome.get(LONG.toSeconds(), TimeUnit.SECONDS);
      if (o instanceof String id) {
        ids.add(id);
      } else {
        assertThat((IllegalArgumentException) o)
            .hasMessage("payload of task type 'small-job' is at least 101 bytes of JSON, past the limit of 100 (Tasks.Builder.maxPayloadBytes)");
      }
    }
    assertThat(ids).hasSize(30);
    ids.forEach(id -> awaitState(tasks, id, TaskState.SUCCEEDED));
  }

  @Test
  void aRedeliveryDoesNotSpendTheRetryPolicysAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, j -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("the one failure");
      }
      return "ok";
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), 1.0)); // one failure may be retried
    Tasks web = start(store().type(flaky).workers(false), 1);
    String id = web.enqueue(flaky, new Job("x", 1));
    leaveAsAKilledWorkerWould(flaky.name(), id);

    Tasks worker = start(store().type(flaky).heartbeat(Duration.ofMillis(250)), 1);

    TaskStatus done = Await.value(LONG, () -> worker.status(id).orElseThrow(), s -> s.state().isFinal(), "task " + id + " final");
    assertThat(done.redeliveries()).isEqualTo(1);
    assertThat(done.state()).as("after a redelivery, one failure and its retry: " + done).isEqualTo(TaskState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(2);
  }

  @Test
  void anAttemptHandedBackByADrainDoesNotSpendTheRetryPolicysAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, j -> {
      int call = calls.incrementAndGet();
      if (call == 1) {
        firstStarted.countDown();
        new CountDownLatch(1).await(); // until the drain interrupts it
      }
      if (call == 2) {
        throw new IllegalStateException("the one failure");
      }
      return "ok";
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), 1.0)); // one failure may be retried
    Tasks stopping = start(store().type(flaky).shutdownGrace(Duration.ZERO), 1);
    String id = stopping.enqueue(flaky, new Job("x", 1));
    await(firstStarted);
    stopping.close(); // a deploy: the attempt is interrupted and handed back, queued

    Tasks worker = start(store().type(flaky), 1);

    TaskStatus done = Await.value(LONG, () -> worker.status(id).orElseThrow(), s -> s.state().isFinal(), "task " + id + " final");
    assertThat(done.state()).as("after a hand-back, one failure and its retry: " + done).isEqualTo(TaskState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void theAttemptAfterAHandBackSeesItsNumberAsStatusDoesAndIsNoRedelivery() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Tasks> reader = new java.util.concurrent.atomic.AtomicReference<>();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    TaskType<Job> slow = TaskType.withContext("slow", Job.class, (j, task) -> {
      seen.add(new Seen(task, reader.get().status(task.id()).orElseThrow()));
      if (task.attempt() == 1) {
        firstStarted.countDown();
        new CountDownLatch(1).await(); // until the drain interrupts it
      }
      return task.attempt();
    });
    reader.set(start(store().type(slow).workers(false), 1)); // open across both workers
    Tasks stopping = start(store().type(slow).shutdownGrace(Duration.ZERO), 1);
    String id = stopping.enqueue(slow, new Job("x", 1));
    await(firstStarted);
    stopping.close(); // handed back, queued

    Tasks worker = start(store().type(slow), 1);

    TaskStatus done = awaitState(worker, id, TaskState.SUCCEEDED);
    assertThat(seen).extracting(Seen::context)
        .containsExactly(new TaskContext(id, "slow", 1, false, 0, 3), new TaskContext(id, "slow", 2, false, 0, 3));
    assertThat(seen.get(1).status().attempts()).isEqualTo(2);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.redeliveries()).isZero();
  }

  @Test
  void aStatusTableFromBeforeHandBacksWereCountedGetsTheirColumn() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      String text = c.getMetaData().getDatabaseProductName().contains("H2") ? "CHARACTER LARGE OBJECT" : "TEXT";
      s.execute("CREATE TABLE " + tablePrefix() + "tasks (id VARCHAR(64) PRIMARY KEY, name VARCHAR(100) NOT NULL, "
          + "state VARCHAR(16) NOT NULL, attempts INT NOT NULL, redeliveries INT NOT NULL, result " + text + ", error "
          + text + ", enqueued_ms BIGINT NOT NULL, run_at_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)");
    }
    TaskType<Job> echo = TaskType.of("echo", Job.class, Job::text);
    Tasks tasks = start(store().type(echo), 1);

    assertThat(awaitState(tasks, tasks.enqueue(echo, new Job("old table", 1)), TaskState.SUCCEEDED).result().orElseThrow().asText())
        .isEqualTo("old table");
  }

  /**
   * A task that brought its worker down every time (a crash, not a throw) was redelivered without
   * bound, taking down one worker after another. Past its type's maxRedeliveries it fails instead,
   * without running again; up to it, it runs.
   */
  @Test
  void aTaskWhoseWorkerDiedMoreTimesThanItsTypeAllowsFailsInsteadOfRunning() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> crashing = TaskType.of("crashing", Job.class, j -> calls.incrementAndGet()).maxRedeliveries(2);
    Tasks web = start(store().type(crashing).workers(false), 1);
    String atTheBound = web.enqueue(crashing, new Job("x", 1));
    String pastIt = web.enqueue(crashing, new Job("y", 2));
    leaveAsAKilledWorkerWould(crashing.name(), atTheBound);
    setRedeliveries(atTheBound, 1); // this redelivery is its second: allowed
    leaveAsAKilledWorkerWould(crashing.name(), pastIt);
    setRedeliveries(pastIt, 2); // this one would be its third

    Tasks worker = start(store().type(crashing).heartbeat(Duration.ofMillis(250)), 1);

    TaskStatus ran = Await.value(LONG, () -> worker.status(atTheBound).orElseThrow(), s -> s.state().isFinal(),
        "task " + atTheBound + " final");
    assertThat(ran.state()).as(ran.toString()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(ran.redeliveries()).isEqualTo(2);
    TaskStatus failed = Await.value(LONG, () -> worker.status(pastIt).orElseThrow(), s -> s.state().isFinal(),
        "task " + pastIt + " final");
    assertThat(failed.state()).as(failed.toString()).isEqualTo(TaskState.FAILED);
    assertThat(failed.error().orElseThrow()).contains("worker died under it").contains("maxRedeliveries 2");
    assertThat(calls).as("only the task within its bound ran").hasValue(1);
    assertThatThrownBy(() -> crashing.maxRedeliveries(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  private void setRedeliveries(String id, int redeliveries) throws SQLException {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("UPDATE " + tablePrefix()
        + "tasks SET redeliveries = ?, attempts = ? WHERE id = ?")) {
      s.setInt(1, redeliveries);
      s.setInt(2, redeliveries + 1);
      s.setString(3, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  /** The task's rows as a worker killed mid-attempt leaves them: claimed, heartbeat stale, status running. */
  @Test
  void aWorkerWithoutATypeNeverDeletesThatTypesTasks() throws Exception {
    TaskType<Job> job = TaskType.of("job", Job.class, j -> "ran");
    TaskType<Job> other = TaskType.of("other", Job.class, j -> "other");
    Tasks web = start(store().type(job).type(other).workers(false), 1);
    String id = web.enqueue(job, new Job("x", 1));
    leaveAsAKilledWorkerWould(job.name(), id);
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("UPDATE " + tablePrefix()
        + "scheduled_tasks SET execution_time = ? WHERE task_instance = ?")) {
      s.setObject(1, java.time.OffsetDateTime.now().minusDays(15)); // due, and its worker dead, for 15 days
      s.setString(2, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    String first = web.enqueue(other, new Job("first", 1));
    leaveAsAKilledWorkerWould(other.name(), first);

    Tasks otherPool = start(store().type(other).heartbeat(Duration.ofMillis(250)), 1);
    awaitState(otherPool, first, TaskState.SUCCEEDED); // a dead-worker check ran, and met the job's execution
    // Not due: only the dead-worker check can start it (a due one could be claimed before it looked dead).
    String second = web.enqueue(other, new Job("second", 2), EnqueueOptions.defaults().in(Duration.ofHours(1)));
    leaveAsAKilledWorkerWould(other.name(), second);
    awaitState(otherPool, second, TaskState.SUCCEEDED); // the next check began by deleting what it cannot run

    // db-scheduler deleted every execution of a type it has no task for once one was 14 days
    // overdue: the task stayed 'queued' for good, and a worker for its type never saw it.
    Tasks jobPool = start(store().type(job).heartbeat(Duration.ofMillis(250)), 1);
    assertThat(awaitState(jobPool, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("ran");
  }

  private void leaveAsAKilledWorkerWould(String name, String id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement claim = c.prepareStatement("UPDATE " + tablePrefix() + "scheduled_tasks SET picked = TRUE, "
            + "picked_by = 'killed-worker', last_heartbeat = CURRENT_TIMESTAMP - INTERVAL '1' HOUR, version = version + 1 "
            + "WHERE task_name = ? AND task_instance = ?");
        PreparedStatement start = c.prepareStatement("UPDATE " + tablePrefix() + "tasks SET state = 'running', attempts = 1 "
            + "WHERE id = ?")) {
      claim.setString(1, name);
      claim.setString(2, id);
      assertThat(claim.executeUpdate()).isEqualTo(1);
      start.setString(1, id);
      assertThat(start.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void aStoredPayloadThatNoLongerReadsAsItsTypeFailsAtOnceNamingTheProblem() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> job = TaskType.of("job", Job.class, j -> calls.incrementAndGet()); // the default policy: 3 attempts
    Tasks web = start(store().type(job).workers(false), 1);
    String id = web.enqueue(job, new Job("x", 1));
    // As an older version of the record wrote it: its n was a string.
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("UPDATE " + tablePrefix()
        + "scheduled_tasks SET task_data = ? WHERE task_instance = ?")) {
      s.setBytes(1, "{\"text\":\"x\",\"n\":\"many\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.setString(2, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    Tasks worker = start(store().type(job), 1);

    TaskStatus failed = Await.value(LONG, () -> worker.status(id).orElseThrow(), s -> s.state().isFinal(), "task " + id + " final");
    assertThat(failed.state()).isEqualTo(TaskState.FAILED);
    assertThat(failed.attempts()).as("attempts of a payload that can never be read").isEqualTo(1);
    assertThat(failed.error().orElseThrow()).startsWith("payload of task type 'job'").contains(Job.class.getName())
        .contains("field 'n': Cannot deserialize value of type `int` from String \"many\"")
        .doesNotContain("JSON body"); // no HTTP request is involved
    assertThat(calls).hasValue(0);
  }

  @Test
  void aStoredPayloadOfJsonNullOrNoneFailsAtOnceWithoutCallingTheHandler() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> job = TaskType.of("job", Job.class, j -> calls.incrementAndGet() + j.n()); // the default policy: 3 attempts
    Tasks web = start(store().type(job).workers(false), 1);
    String jsonNull = web.enqueue(job, new Job("x", 1));
    String none = web.enqueue(job, new Job("y", 2));
    // As an older version or another writer may have left them: the JSON null, and no data at all.
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("UPDATE " + tablePrefix()
        + "scheduled_tasks SET task_data = ? WHERE task_instance = ?")) {
      s.setBytes(1, "null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.setString(2, jsonNull);
      assertThat(s.executeUpdate()).isEqualTo(1);
      s.setBytes(1, null);
      s.setString(2, none);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    Tasks worker = start(store().type(job), 1);

    for (String id : List.of(jsonNull, none)) {
      TaskStatus failed = Await.value(LONG, () -> worker.status(id).orElseThrow(), s -> s.state().isFinal(), "task " + id + " final");
      assertThat(failed.state()).isEqualTo(TaskState.FAILED);
      assertThat(failed.attempts()).isEqualTo(1);
      assertThat(failed.error().orElseThrow()).startsWith("payload of task type 'job'").contains(Job.class.getName());
    }
    assertThat(worker.status(jsonNull).orElseThrow().error().orElseThrow()).contains("JSON null");
    assertThat(worker.status(none).orElseThrow().error().orElseThrow()).contains("no payload");
    assertThat(calls).as("handler calls with a null payload").hasValue(0);
  }

  @Test
  void aRetrySucceedsAndKeepsTheResult() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, job -> {
      if (calls.incrementAndGet() == 1) {
        throw new java.io.IOException("first try fails");
      }
      return "ok on " + calls.get();
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(50), 1.0));
    Tasks tasks = start(store().type(flaky), 2);

    String id = tasks.enqueue(flaky, new Job("x", 1));

    TaskStatus done = awaitState(tasks, id, TaskState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.result().orElseThrow().asText()).isEqualTo("ok on 2");
  }

  @Test
  void aDelayedTaskStartsNoEarlierThanAsked() {
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    TaskType<Job> later = TaskType.of("later", Job.class, job -> startedAt.put(job.text(), Instant.now()));
    Tasks tasks = start(store().type(later), 2);

    Instant before = Instant.now();
    String inId = tasks.enqueue(later, new Job("in", 0), EnqueueOptions.defaults().in(Duration.ofMillis(700)));
    String atId = tasks.enqueue(later, new Job("at", 0), EnqueueOptions.defaults().at(before.plusMillis(900)));

    assertThat(tasks.status(inId).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
    // stored to the millisecond
    assertThat(tasks.status(inId).orElseThrow().runAt()).isAfterOrEqualTo(before.truncatedTo(ChronoUnit.MILLIS).plusMillis(700));
    awaitState(tasks, inId, TaskState.SUCCEEDED);
    awaitState(tasks, atId, TaskState.SUCCEEDED);
    assertThat(startedAt.get("in")).isAfterOrEqualTo(before.plusMillis(700));
    assertThat(startedAt.get("at")).isAfterOrEqualTo(before.plusMillis(900));
  }

  @Test
  void delayedTasksAndRetriesFromThisProcessStartWithoutWaitingForThePoll() {
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    AtomicInteger flakyCalls = new AtomicInteger();
    TaskType<Job> later = TaskType.of("later", Job.class, job -> startedAt.put(job.text(), Instant.now()));
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, job -> {
      if (flakyCalls.incrementAndGet() == 1) {
        throw new IllegalStateException("first try fails");
      }
      return "ok";
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(300), 1.0));
    // A poll ten minutes apart: only the wake-ups at due times can start these within the await.
    Tasks tasks = start(store().type(later).type(flaky).pollInterval(Duration.ofMinutes(10)), 2);

    Instant before = Instant.now();
    String delayed = tasks.enqueue(later, new Job("in", 0), EnqueueOptions.defaults().in(Duration.ofMillis(300)));
    String retried = tasks.enqueue(flaky, new Job("x", 1));

    awaitState(tasks, delayed, TaskState.SUCCEEDED);
    assertThat(startedAt.get("in")).isAfterOrEqualTo(before.plusMillis(300));
    TaskStatus done = awaitState(tasks, retried, TaskState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
  }

  @Test
  void aWorkerStartedAfterTheEnqueueStartsADelayedTaskAtItsTimeWithoutWaitingForThePoll() {
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    TaskType<Job> later = TaskType.of("later", Job.class, job -> startedAt.put(job.text(), Instant.now()));
    Tasks web = start(store().type(later).workers(false), 1); // or this worker before a restart
    Instant before = Instant.now();
    String id = web.enqueue(later, new Job("in", 0), EnqueueOptions.defaults().in(Duration.ofMillis(500)));

    // A poll ten minutes apart: it waited for it (embedded: 10 s by default).
    Tasks worker = start(store().type(later).pollInterval(Duration.ofMinutes(10)), 1);

    awaitState(worker, id, TaskState.SUCCEEDED);
    assertThat(startedAt.get("in")).isAfterOrEqualTo(before.plusMillis(500));
  }

  @Test
  void enqueueWithAKeyIsIdempotent() {
    AtomicInteger runs = new AtomicInteger();
    TaskType<Job> once = TaskType.of("once", Job.class, job -> runs.incrementAndGet());
    Tasks tasks = start(store().type(once), 2);

    String first = tasks.enqueue(once, new Job("a", 1), EnqueueOptions.defaults().key("order-7"));
    awaitState(tasks, first, TaskState.SUCCEEDED);
    String again = tasks.enqueue(once, new Job("b", 2), EnqueueOptions.defaults().key("order-7"));
    String other = tasks.enqueue(once, new Job("c", 3), EnqueueOptions.defaults().key("order-8"));

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    awaitState(tasks, other, TaskState.SUCCEEDED);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aQueuedTaskCanBeCancelledAndNeverRuns() {
    List<String> ran = new CopyOnWriteArrayList<>();
    TaskType<Job> job = TaskType.of("cancellable", Job.class, j -> ran.add(j.text()));
    Tasks tasks = start(store().type(job), 2);

    String cancelled = tasks.enqueue(job, new Job("cancelled", 0), EnqueueOptions.defaults().in(Duration.ofMillis(300)));
    assertThat(tasks.cancel(cancelled)).isTrue();
    assertThat(tasks.cancel(cancelled)).isFalse();
    String after = tasks.enqueue(job, new Job("after", 0), EnqueueOptions.defaults().in(Duration.ofMillis(600)));

    awaitState(tasks, after, TaskState.SUCCEEDED);
    assertThat(tasks.status(cancelled).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
    assertThat(ran).containsExactly("after");
    assertThat(tasks.cancel(after)).isFalse(); // final tasks cannot be cancelled
  }

  @Test
  void unknownIdsAreEmptyAndUnregisteredTypesAreRefused() {
    TaskType<Job> known = TaskType.of("known", Job.class, j -> null);
    TaskType<Job> stranger = TaskType.of("stranger", Job.class, j -> null);
    Tasks tasks = start(store().type(known), 1);

    assertThat(tasks.status("no-such-task")).isEmpty();
    assertThat(tasks.cancel("no-such-task")).isFalse();
    assertThatThrownBy(() -> tasks.enqueue(stranger, new Job("x", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'stranger' is not registered");
  }

  @Test
  void theWorkerLaneBoundsHowManyRunAtOnceAndGrowingItTakesEffect() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    TaskType<Job> hold = TaskType.of("hold", Job.class, j -> {
      peak.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        release.await();
      } finally {
        now.decrementAndGet();
      }
      return null;
    });
    Tasks tasks = start(store().type(hold), 3);
    List<String> ids = new ArrayList<>();
    Instant firstEnqueued = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int i = 0; i < 12; i++) {
      ids.add(tasks.enqueue(hold, new Job("h", i)));
    }
    Await.until(LONG, () -> now.get() == 3, "three running");
    Lane lane = lanesOf(tasks);
    assertThat(lane.statistics().borrowed()).isEqualTo(3);
    TaskStatistics waiting = tasks.statistics();
    assertThat(waiting.byState()).containsEntry(TaskState.RUNNING, 3L).containsEntry(TaskState.QUEUED, 9L);
    // the nine waiting are due: the queue's age counts from the oldest one's due time
    assertThat(waiting.oldestDue()).hasValueSatisfying(due -> assertThat(due).isBetween(firstEnqueued, Instant.now()));

    int grown = growingTheLaneTakesEffectAtOnce() ? 5 : 3;
    if (grown > 3) {
      lane.resize(grown);
      Await.until(LONG, () -> now.get() == grown, "five running after the resize");
    }
    release.countDown();
    for (String id : ids) {
      awaitState(tasks, id, TaskState.SUCCEEDED);
    }
    assertThat(peak.get()).isEqualTo(grown);
  }

  private Lane lanesOf(Tasks tasks) {
    for (AutoCloseable c : opened) {
      if (c instanceof App app) {
        return app.lanes().get(Tasks.WORKER_LANE);
      }
    }
    throw new AssertionError("no app");
  }

  @Test
  void aTypeWithALaneRunsItsBlockingHandlerThereAndAsyncHandlersWork() {
    TaskType<Job> cpu = TaskType.of("cpu-work", Job.class, j -> Thread.currentThread().getName()).lane("cpu");
    TaskType<Job> async = TaskType.ofAsync("async-work", Job.class, j -> CompletableFuture.supplyAsync(() -> j.n() + 1));
    Tasks tasks = start(store().type(cpu).type(async), 2, Lane.builder("cpu").capacity(1));

    String cpuId = tasks.enqueue(cpu, new Job("c", 0));
    String asyncId = tasks.enqueue(async, new Job("a", 41));

    assertThat(awaitState(tasks, cpuId, TaskState.SUCCEEDED).result().orElseThrow().asText()).startsWith("lane-cpu");
    assertThat(awaitState(tasks, asyncId, TaskState.SUCCEEDED).result().orElseThrow().asInt()).isEqualTo(42);
  }

  @Test
  void anEnqueueOnlyProcessLeavesTheWorkToAnotherOnTheSameStore() {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    TaskType<Job> job = TaskType.of("shared", Job.class, j -> ranOn.add(j.text()));
    Tasks web = start(store().type(job).workers(false), 1);
    Tasks worker = start(store().type(job), 2);

    String id = web.enqueue(job, new Job("from-web", 0));

    TaskStatus done = awaitState(web, id, TaskState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(ranOn).containsExactly("from-web");
    assertThat(worker.statistics().started()).isEqualTo(1);
    assertThat(web.statistics().started()).isZero();
    assertThat(web.statistics().enqueued()).isEqualTo(1);
  }

  @Test
  void enqueueAsyncCompletesWithTheIdOnceStored() {
    TaskType<Job> echo = TaskType.of("echo-async", Job.class, job -> job.text());
    Tasks tasks = start(store().type(echo), 2);

    String id = tasks.enqueueAsync(echo, new Job("async", 1)).join();

    assertThat(tasks.status(id)).isPresent();
    assertThat(awaitState(tasks, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("async");
    assertThat(tasks.enqueueAsync(echo, new Job("k", 1), EnqueueOptions.defaults().key("k")).join())
        .isEqualTo(tasks.enqueue(echo, new Job("k", 2), EnqueueOptions.defaults().key("k")));
  }

  @Test
  void manyConcurrentEnqueuesEachGetTheirOwnIdAndAreAllStored() throws Exception {
    TaskType<Job> job = TaskType.of("many", Job.class, j -> null);
    Tasks tasks = start(store().type(job).workers(false), 1);
    int n = 300;
    List<String> got = enqueueAtOnce(n, k -> tasks.enqueue(job, new Job("j" + k, k)));
    assertThat(got).doesNotHaveDuplicates().hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(tasks.status(got.get(i)).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
    }
    assertThat(tasks.statistics().byState()).containsEntry(TaskState.QUEUED, (long) n);
    assertThat(tasks.statistics().enqueued()).isEqualTo(n);
  }

  @Test
  void concurrentEnqueuesWithOneKeyStoreOneTaskAndShareItsId() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    TaskType<Job> job = TaskType.of("keyed", Job.class, j -> ran.add(j.text()));
    Tasks web = start(store().type(job).workers(false), 1);
    List<String> ids = enqueueAtOnce(50,
        k -> web.enqueue(job, new Job("j" + k, k), EnqueueOptions.defaults().key("same")));
    assertThat(ids.stream().distinct().toList()).hasSize(1);
    assertThat(web.statistics().byState()).containsEntry(TaskState.QUEUED, 1L);
    assertThat(web.statistics().enqueued()).isEqualTo(1);

    Tasks worker = start(store().type(job), 2);
    awaitState(worker, ids.get(0), TaskState.SUCCEEDED);
    assertThat(ran).hasSize(1);
  }

  @Test
  void twoProcessesEnqueueingTheSameKeysInOppositeOrdersStoreEachOnceAndFailNone() throws Exception {
    TaskType<Job> job = TaskType.of("keyed", Job.class, j -> j.text());
    Tasks one = start(store().type(job).workers(false), 1);
    Tasks two = start(store().type(job).workers(false), 1);
    int keys = 100;
    CountDownLatch go = new CountDownLatch(1);
    // Each process's enqueues queue up behind its writer's first batch, so its batches hold many of
    // the keys: in ascending order in one process, descending in the other.
    CompletableFuture<List<String>> up = CompletableFuture.supplyAsync(() -> enqueueInOrder(go, one, job, keys, false));
    CompletableFuture<List<String>> down = CompletableFuture.supplyAsync(() -> enqueueInOrder(go, two, job, keys, true));
    go.countDown();
    List<String> ascending = up.get(LONG.toSeconds(), TimeUnit.SECONDS);
    List<String> descending = down.get(LONG.toSeconds(), TimeUnit.SECONDS);
    assertThat(ascending).isEqualTo(descending.reversed());
    assertThat(one.statistics().byState()).containsEntry(TaskState.QUEUED, (long) keys);
    assertThat(one.statistics().enqueued() + two.statistics().enqueued()).isEqualTo(keys);
  }

  /** Enqueues keys 0..n-1 (or n-1..0) without waiting in between; the ids in that order. */
  private static List<String> enqueueInOrder(CountDownLatch go, Tasks tasks, TaskType<Job> job, int n, boolean descending) {
    await(go);
    List<CompletableFuture<String>> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = descending ? n - 1 - i : i;
      ids.add(tasks.enqueueAsync(job, new Job("j" + k, k), EnqueueOptions.defaults().key("key-" + k)));
    }
    return ids.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void aCancelRacingThePickupEitherCancelsOrLetsItRunNeverBoth() throws Exception {
    Map<String, Boolean> ran = new ConcurrentHashMap<>();
    TaskType<Job> job = TaskType.of("racy", Job.class, j -> ran.put(j.text(), true));
    Tasks tasks = start(store().type(job), 4);
    Map<String, Boolean> cancelled = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      String id = tasks.enqueue(job, new Job("t" + i, i));
      cancelled.put(id, tasks.cancel(id));
    }
    for (Map.Entry<String, Boolean> e : cancelled.entrySet()) {
      if (e.getValue()) {
        assertThat(tasks.status(e.getKey()).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
      } else {
        awaitState(tasks, e.getKey(), TaskState.SUCCEEDED);
      }
    }
    Await.until(LONG, () -> tasks.statistics().byState().get(TaskState.QUEUED) == 0
        && tasks.statistics().byState().get(TaskState.RUNNING) == 0, "nothing queued or running");
    int k = 0;
    for (Map.Entry<String, Boolean> e : cancelled.entrySet()) {
      String text = "t" + k++;
      assertThat(ran.containsKey(text)).as(e.getKey() + " ran, cancel returned " + e.getValue()).isEqualTo(!e.getValue());
      assertThat(tasks.status(e.getKey()).orElseThrow().state())
          .isEqualTo(e.getValue() ? TaskState.CANCELLED : TaskState.SUCCEEDED);
    }
  }

  /** Calls {@code enqueue} for 0..n-1 on n virtual threads released together; the ids in call order. */
  private static List<String> enqueueAtOnce(int n, java.util.function.IntFunction<String> enqueue) {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<String>> ids = new ArrayList<>();
    try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int k = i;
        ids.add(CompletableFuture.supplyAsync(() -> {
          await(go);
          return enqueue.apply(k);
        }, callers));
      }
      go.countDown();
    }
    return ids.stream().map(CompletableFuture::join).toList();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void startingWithoutTheWorkerLaneFailsNamingIt() {
    Tasks tasks = store().type(TaskType.of("t", Job.class, j -> null)).build();
    App app = App.builder().build();
    opened.add(app);
    assertThatThrownBy(() -> tasks.start(app)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no lane 'tasks'").hasMessageContaining("Tasks.lane(20)");
    assertThatThrownBy(() -> tasks.enqueue(TaskType.of("t", Job.class, j -> null), new Job("x", 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("tasks.start(app)");
  }

  @Test
  void aRecurringTypeRunsEachDueTimeOnceAcrossWorkersNeverEarlyNeverTwoAtOnce() {
    AtomicInteger inRun = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    TaskType<Job> tick = TaskType.of("tick", Job.class, job -> {
      mostAtOnce.accumulateAndGet(inRun.incrementAndGet(), Math::max);
      try {
        Thread.sleep(300); // long enough that a second worker running the same time would overlap
      } finally {
        inRun.decrementAndGet();
      }
      return job.text();
    });
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    List<String> startedIds = new CopyOnWriteArrayList<>();
    CountDownLatch threeDone = new CountDownLatch(3);
    TaskListener record = new TaskListener() {
      @Override
      public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
        startedAt.put(id, Instant.now());
        startedIds.add(id);
      }

      @Override
      public void succeeded(String name, String id, Duration took) {
        threeDone.countDown();
      }
    };
    // two workers on one store, both with the schedule: every second
    Tasks first = start(store().recurring(tick, "* * * * * *", new Job("ticked", 0)).listener(record), 2);
    start(store().recurring(tick, "* * * * * *", new Job("ticked", 0)).listener(record), 2);

    Await.until(LONG, () -> threeDone.getCount() == 0, "three runs succeeded");

    assertThat(mostAtOnce.get()).isEqualTo(1);
    assertThat(startedIds).doesNotHaveDuplicates(); // each due time ran once across both workers
    for (String id : startedIds) {
      assertThat(id).startsWith("tick@");
      Instant due = Instant.ofEpochMilli(Long.parseLong(id.substring("tick@".length())));
      assertThat(startedAt.get(id)).isAfterOrEqualTo(due);
    }
    TaskStatus run = awaitState(first, startedIds.get(0), TaskState.SUCCEEDED);
    assertThat(run.name()).isEqualTo("tick");
    assertThat(run.attempts()).isEqualTo(1);
    assertThat(run.result().orElseThrow().asText()).isEqualTo("ticked");
    assertThat(first.recurring()).containsEntry("tick", "* * * * * *");
  }

  @Test
  void aRecurringTypeRestartedOnItsStoreRunsEachDueTimeOnce() {
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    TaskType<Job> tick = TaskType.withContext("tick", Job.class, (job, task) -> runs.merge(task.id(), 1, Integer::sum));
    Tasks first = start(store().recurring(tick, "* * * * * *", new Job("x", 0)), 1);
    Await.until(LONG, () -> runs.size() >= 2, "two runs before the restart");
    first.close(); // a deploy: every worker registers the schedule again as it starts

    int before = runs.size();
    Tasks second = start(store().recurring(tick, "* * * * * *", new Job("x", 0)), 1);
    Await.until(LONG, () -> runs.size() >= before + 2, "two runs after the restart");
    second.close();

    assertThat(runs).allSatisfy((id, count) -> assertThat(count).as("runs of " + id).isEqualTo(1));
    Tasks reader = start(store().workers(false), 1);
    runs.keySet().forEach(id -> assertThat(reader.status(id).orElseThrow().attempts()).as(id).isEqualTo(1));
  }

  @Test
  void recurringRunsStartAtTheirTimesWithoutWaitingForThePoll() {
    List<String> startedIds = new CopyOnWriteArrayList<>();
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    TaskType<Job> tick = TaskType.of("tick", Job.class, job -> "ticked");
    // A poll ten minutes apart: only the wake-ups at the schedule's times can start these runs.
    start(store().recurring(tick, "* * * * * *", new Job("ticked", 0)).pollInterval(Duration.ofMinutes(10))
        .listener(new TaskListener() {
          @Override
          public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
            startedAt.put(id, Instant.now());
            startedIds.add(id);
          }
        }), 1);

    Await.until(LONG, () -> startedIds.size() >= 3, "three runs started");
    for (String id : startedIds) {
      Instant due = Instant.ofEpochMilli(Long.parseLong(id.substring("tick@".length())));
      assertThat(startedAt.get(id)).isAfterOrEqualTo(due);
    }
  }

  @Test
  void aFailingRecurringRunIsFailedAndTheNextDueTimeStillRuns() {
    List<String> failedIds = new CopyOnWriteArrayList<>();
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, job -> {
      throw new IllegalStateException("nope");
    });
    Tasks tasks = start(store().recurring(flaky, "* * * * * *", new Job("x", 0)).listener(new TaskListener() {
      @Override
      public void failed(String name, String id, int attempt, Throwable error) {
        failedIds.add(id);
      }
    }), 1);

    Await.until(LONG, () -> failedIds.size() >= 2, "two runs failed");

    TaskStatus run = tasks.status(failedIds.get(0)).orElseThrow();
    assertThat(run.state()).isEqualTo(TaskState.FAILED);
    assertThat(run.attempts()).isEqualTo(1);
    assertThat(run.error().orElseThrow()).contains("nope");
    assertThat(failedIds.get(1)).isNotEqualTo(failedIds.get(0));
  }

  @Test
  void aRecurringRunWhoseStartTheStoreRefusesOnceRunsLaterUnderItsOwnId() throws Exception {
    assertTheRefusedRunEndsUnderItsOwnId(TaskType.of("tick", Job.class, job -> "ticked"), "running", TaskState.SUCCEEDED);
  }

  @Test
  void aRecurringRunWhoseSuccessTheStoreRefusesOnceEndsSucceededUnderItsOwnId() throws Exception {
    // The refusal was taken for the handler's failure: the run ended failed with the store's error.
    assertTheRefusedRunEndsUnderItsOwnId(TaskType.of("tick", Job.class, job -> "ticked"), "succeeded", TaskState.SUCCEEDED);
  }

  @Test
  void aRecurringRunWhoseFailureTheStoreRefusesOnceEndsFailedUnderItsOwnId() throws Exception {
    assertTheRefusedRunEndsUnderItsOwnId(TaskType.of("flaky", Job.class, job -> {
      throw new IllegalStateException("nope");
    }), "failed", TaskState.FAILED);
  }

  /**
   * The store refuses one status write of the first run of {@code type}: that run must still end
   * (be the first to end, as {@code end}), not leave its row queued or running for good while the
   * schedule goes on under other ids.
   */
  private void assertTheRefusedRunEndsUnderItsOwnId(TaskType<Job> type, String refused, TaskState end) throws Exception {
    start(store().workers(false), 1); // creates the tables
    refuseOnce(refused);
    List<String> ended = new CopyOnWriteArrayList<>();
    Tasks tasks = start(store().recurring(type, "* * * * * *", new Job("x", 0)).listener(new TaskListener() {
      @Override
      public void succeeded(String name, String id, Duration took) {
        ended.add(id);
      }

      @Override
      public void failed(String name, String id, int attempt, Throwable error) {
        ended.add(id);
      }
    }), 1);

    String first = Await.value(LONG, this::firstRun, Optional::isPresent, "the first run's status row").orElseThrow();
    Await.until(LONG, () -> !ended.isEmpty(), "a run ended");
    assertThat(ended.get(0)).as("the first run to end (the refused one is " + first + ")").isEqualTo(first);
    TaskStatus run = tasks.status(first).orElseThrow();
    assertThat(run.state()).isEqualTo(end);
  }

  /**
   * A recurring run redelivered past its bound whose failure the store refuses once notes why, as a
   * one-off task does: the next redelivery failed it saying its worker had died, though none had.
   */
  @Test
  void aRecurringRunPastItsBoundWhoseFailureTheStoreRefusesOnceFailsSayingSo() throws Exception {
    start(store().workers(false), 1); // creates the tables
    refuseEvery("succeeded"); // every run is redelivered past its bound of 0
    refuseOnce("failed"); // the first run's write of that is refused
    Tasks tasks = start(store().recurring(TaskType.of("tick", Job.class, job -> "ticked").maxRedeliveries(0),
        "* * * * * *", new Job("x", 0)), 1);

    String first = Await.value(LONG, this::firstRun, Optional::isPresent, "the first run's status row").orElseThrow();
    TaskStatus failed = awaitState(tasks, first, TaskState.FAILED);
    assertThat(failed.error().orElseThrow())
        .startsWith("the end of its last attempt could not be stored (the store failed recording that it was "
            + "redelivered past its bound: ")
        .doesNotContain("died");
  }

  /** The id of the earliest-due status row, if any. */
  private Optional<String> firstRun() {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM " + tablePrefix() + "tasks ORDER BY run_at_ms LIMIT 1")) {
      return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBadCronExpressionFailsTheBuildNamingIt() {
    TaskType<Job> t = TaskType.of("nightly", Job.class, j -> null);
    assertThatThrownBy(() -> store().recurring(t, "every tuesday", new Job("x", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nightly").hasMessageContaining("'every tuesday'");
    assertThatThrownBy(() -> store().type(t).recurring(t, "* * * * * *", new Job("x", 0)))
        .hasMessageContaining("registered twice");
    assertThatThrownBy(() -> store().recurring(TaskType.of("x".repeat(51), Job.class, j -> null), "* * * * * *", new Job("x", 0)))
        .hasMessageContaining("longer than 50");
  }

  @Test
  void aCronExpressionThatDisablesOrNeverComesDueFailsTheBuildNamingIt() {
    TaskType<Job> t = TaskType.of("nightly", Job.class, j -> null);
    // db-scheduler reads "-" as a disabled schedule: the type never ran, and a worker starting with it
    // deleted the schedule the other workers share.
    assertThatThrownBy(() -> store().recurring(t, "-", new Job("x", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nightly").hasMessageContaining("'-'");
    // February 30th: stored as due in the year 2500.
    assertThatThrownBy(() -> store().recurring(t, "0 0 0 30 2 *", new Job("x", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nightly")
        .hasMessageContaining("'0 0 0 30 2 *'").hasMessageContaining("never");
    assertThat(Tasks.builder().recurring(t, "0 0 0 29 2 *", new Job("x", 0))).isNotNull(); // leap days come
  }

  @Test
  void taskEventsReachTheAppsListener() {
    dev.lanes.testing.RecordingListener events = dev.lanes.testing.RecordingListener.create();
    App app = App.builder().lane(Tasks.lane(2)).listener(events).build();
    opened.add(app);
    TaskType<Job> ok = TaskType.of("ok", Job.class, j -> j.n());
    TaskType<Job> bad = TaskType.of("bad", Job.class, j -> {
      throw new IllegalStateException("no");
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = store().type(ok).type(bad).build();
    tasks.start(app);
    opened.add(tasks);

    tasks.enqueue(ok, new Job("a", 1));
    tasks.enqueue(bad, new Job("b", 2));

    events.await("taskSucceeded ok");
    events.await("taskFailed bad 2");
    List<String> taskEvents = events.since(0).stream().filter(e -> e.startsWith("task") && !e.startsWith("taskStart ")
        && !e.startsWith("taskEnd ")).toList();
    assertThat(taskEvents).contains("taskEnqueued ok", "taskEnqueued bad", "taskStarted ok 1", "taskStarted bad 1",
        "taskRetried bad 1", "taskStarted bad 2", "taskFailed bad 2");
  }

  @Test
  void whileCloseDrainsARunningTaskTheStoreStaysReadableAndEnqueuesAreStored() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TaskType<Job> hold = TaskType.of("hold", Job.class, j -> {
      started.countDown();
      release.await();
      return j.n();
    });
    Tasks tasks = start(store().type(hold).shutdownGrace(LONG), 2);
    dev.lanes.observe.DashboardSection section = tasks.dashboardSection();
    String id = tasks.enqueue(hold, new Job("h", 7));
    await(started);

    CompletableFuture<Void> closed = CompletableFuture.runAsync(tasks::close);
    Await.until(LONG, tasks::isClosing, "close draining");
    assertThat(tasks.isRunning()).isTrue();
    assertThat(tasks.statistics().byState()).containsEntry(TaskState.RUNNING, 1L);
    assertThat(tasks.status(id)).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(TaskState.RUNNING));
    assertThat(section.rows()).anySatisfy(row -> assertThat(row).containsEntry("type", "hold").containsEntry("running", 1L));
    String late = tasks.enqueue(hold, new Job("late", 1)); // for another worker, or the next start
    assertThat(tasks.status(late)).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(TaskState.QUEUED));
    assertThat(closed).isNotDone(); // the attempt holds the drain

    release.countDown();
    closed.get(LONG.toSeconds(), TimeUnit.SECONDS);
    assertThat(tasks.isRunning()).isFalse();
    assertThatThrownBy(tasks::statistics).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tasks.enqueue(hold, new Job("closed", 1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHandlerEnqueueingItsFollowUpWhileItsWorkerDrainsSucceeds() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    List<String> followUps = new CopyOnWriteArrayList<>();
    TaskType<Job> next = TaskType.of("next-step", Job.class, Job::text);
    java.util.concurrent.atomic.AtomicReference<Tasks> self = new java.util.concurrent.atomic.AtomicReference<>();
    TaskType<Job> step = TaskType.of("step", Job.class, j -> {
      calls.incrementAndGet();
      started.countDown();
      release.await();
      followUps.add(self.get().enqueue(next, new Job("after " + j.text(), j.n() + 1))); // a chain's next step
      return "done";
    }).retry(RetryPolicy.none());
    Tasks worker = start(store().type(step).type(next).shutdownGrace(LONG), 1);
    self.set(worker);
    String id = worker.enqueue(step, new Job("one", 1));
    await(started);

    CompletableFuture<Void> closed = CompletableFuture.runAsync(worker::close); // a deploy
    Await.until(LONG, worker::isClosing, "close draining");
    release.countDown();
    closed.get(LONG.toSeconds(), TimeUnit.SECONDS);

    // The refused enqueue failed the attempt: the step was failed (or, with retries, ran again).
    Tasks reader = start(store().type(step).type(next).workers(false), 1);
    TaskStatus done = reader.status(id).orElseThrow();
    assertThat(done.state()).as(done.toString()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(calls).hasValue(1);
    assertThat(followUps).hasSize(1);
    assertThat(reader.status(followUps.get(0))).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(TaskState.QUEUED));
  }

  @Test
  void theDashboardSectionCountsTasksPerTypeAndState() {
    TaskType<Job> ok = TaskType.of("ok", Job.class, j -> j.n());
    TaskType<Job> later = TaskType.of("later", Job.class, j -> j.n());
    Tasks tasks = start(store().type(ok).type(later), 2);
    dev.lanes.observe.DashboardSection section = tasks.dashboardSection();
    String done = tasks.enqueue(ok, new Job("a", 1));
    tasks.enqueue(later, new Job("b", 2), EnqueueOptions.defaults().in(Duration.ofHours(1)));
    awaitState(tasks, done, TaskState.SUCCEEDED);

    List<Map<String, Object>> rows = Await.value(LONG, section::rows,
        r -> r.stream().anyMatch(row -> row.get("type").equals("ok") && row.get("succeeded").equals(1L)), "ok counted");

    assertThat(section.title()).isEqualTo("tasks");
    assertThat(section.columns()).startsWith("type", "queued", "running", "succeeded", "failed");
    assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("type", "later").containsEntry("queued", 1L)
        .containsEntry("succeeded", 0L));
  }

  /** Counts the ended tasks a worker reported expired. */
  static final class ExpiredCount implements TaskListener {
    final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void expired(long count) {
      total.addAndGet(count);
    }
  }

  @Test
  void endedTasksExpireAfterTheRetentionWhileQueuedAndRunningOnesStay() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch runningStarted = new CountDownLatch(1);
    TaskType<Job> ok = TaskType.of("ok", Job.class, Job::text);
    TaskType<Job> broken = TaskType.of("broken", Job.class, j -> {
      throw new IllegalStateException("no");
    }).retry(RetryPolicy.none());
    TaskType<Job> slow = TaskType.of("slow", Job.class, j -> {
      runningStarted.countDown();
      release.await();
      return "late";
    });
    ExpiredCount expired = new ExpiredCount();
    Tasks tasks = start(store().type(ok).type(broken).type(slow).expireEndedAfter(Duration.ofHours(1)).listener(expired), 4);
    String succeeded = tasks.enqueue(ok, new Job("a", 1));
    String failed = tasks.enqueue(broken, new Job("b", 2));
    String cancelled = tasks.enqueue(ok, new Job("c", 3), EnqueueOptions.defaults().in(Duration.ofHours(2)));
    assertThat(tasks.cancel(cancelled)).isTrue();
    String queued = tasks.enqueue(ok, new Job("d", 4), EnqueueOptions.defaults().in(Duration.ofHours(3)));
    String running = tasks.enqueue(slow, new Job("e", 5));
    awaitState(tasks, succeeded, TaskState.SUCCEEDED);
    awaitState(tasks, failed, TaskState.FAILED);
    await(runningStarted);
    awaitState(tasks, running, TaskState.RUNNING);
    List.of(succeeded, failed, cancelled).forEach(this::awaitExecutionGone);
    Instant now = Instant.now();

    assertThat(tasks.expireEnded(now)).as("nothing ended an hour ago").isZero();
    assertThat(tasks.status(succeeded)).isPresent();

    // An hour on, by their end time: the ended rows go, the queued and the running one (started,
    // and enqueued, over an hour before that) stay.
    assertThat(tasks.expireEnded(now.plus(Duration.ofHours(1)).plusSeconds(1))).isEqualTo(3);
    assertThat(tasks.status(succeeded)).isEmpty();
    assertThat(tasks.status(failed)).isEmpty();
    assertThat(tasks.status(cancelled)).isEmpty();
    assertThat(tasks.status(queued).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
    assertThat(tasks.status(running).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    assertThat(tasks.statistics().byState()).containsEntry(TaskState.SUCCEEDED, 0L).containsEntry(TaskState.QUEUED, 1L);

    release.countDown();
    awaitState(tasks, running, TaskState.SUCCEEDED);
    awaitExecutionGone(running);
    assertThat(tasks.expireEnded(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1))).isEqualTo(1);
    assertThat(tasks.status(running)).isEmpty();
    assertThat(expired.total).hasValue(4);
  }

  /**
   * Waits until db-scheduler deleted the execution row of an ended task: the status is written
   * first, and the expiry keeps an ended row while its execution is stored.
   */
  void awaitExecutionGone(String id) {
    Await.until(LONG, () -> {
      try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + tablePrefix()
          + "scheduled_tasks WHERE task_instance = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1) == 0;
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, "the execution of " + id + " deleted");
  }

  @Test
  void aWorkerExpiresEndedTasksByItselfAfterTheRetention() {
    TaskType<Job> ok = TaskType.of("ok", Job.class, Job::text);
    ExpiredCount expired = new ExpiredCount();
    Tasks tasks = start(store().type(ok).expireEndedAfter(Duration.ofMillis(200)).listener(expired), 2);

    String id = tasks.enqueue(ok, new Job("a", 1));
    awaitState(tasks, id, TaskState.SUCCEEDED);

    Await.until(LONG, () -> tasks.status(id).isEmpty(), "task " + id + " expired");
    Await.until(LONG, () -> expired.total.get() == 1, "the expiry reported");
  }

  @Test
  void anEndedTaskWhoseExecutionIsStillStoredDoesNotExpire() throws Exception {
    TaskType<Job> ok = TaskType.of("ok", Job.class, Job::text);
    Tasks web = start(store().type(ok).workers(false), 1);
    String id = web.enqueue(ok, new Job("a", 1)); // its execution row stays: nothing works here
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("UPDATE " + tablePrefix()
        + "tasks SET state = 'succeeded', updated_ms = 0 WHERE id = ?")) {
      s.setString(1, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    // A new task under the same id (its key enqueued again) would collide with the execution row.
    assertThat(web.expireEnded(Instant.now())).isZero();
    assertThat(web.status(id)).isPresent();
  }

  @Test
  void aKeysWindowEndsWhenItsTaskExpires() {
    AtomicInteger runs = new AtomicInteger();
    TaskType<Job> once = TaskType.of("once", Job.class, job -> runs.incrementAndGet());
    Tasks tasks = start(store().type(once).expireEndedAfter(Duration.ofHours(1)), 2);
    EnqueueOptions key = EnqueueOptions.defaults().key("order-7");
    String first = tasks.enqueue(once, new Job("a", 1), key);
    awaitState(tasks, first, TaskState.SUCCEEDED);
    assertThat(tasks.enqueue(once, new Job("b", 2), key)).isEqualTo(first);
    awaitExecutionGone(first);

    assertThat(tasks.expireEnded(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1))).isEqualTo(1);
    String again = tasks.enqueue(once, new Job("c", 3), key);

    // The key's id, a new task: it runs again.
    assertThat(again).isEqualTo(first);
    TaskStatus rerun = awaitState(tasks, again, TaskState.SUCCEEDED);
    assertThat(rerun.attempts()).isEqualTo(1);
    assertThat(rerun.result().orElseThrow().asInt()).isEqualTo(2);
    assertThat(runs).hasValue(2);
  }

  /**
   * Whether a statement of this test's store waits for a row lock (PostgreSQL); the embedded store
   * answers at once instead, so it never waits.
   */
  boolean aStatementWaitsForALock() {
    return false;
  }

  /**
   * Whether an enqueue whose key's row another transaction is deleting waits for it (PostgreSQL), or
   * answers at once with the row being deleted (H2: a duplicate key).
   */
  boolean anEnqueueWaitsForTheDeletionOfItsKeysRow() {
    return false;
  }

  @Test
  void aKeyEnqueuedWhileItsExpiredRowIsBeingDeletedIsANewTaskOrTheOldIdNeverAFailure() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    TaskType<Job> once = TaskType.of("once", Job.class, job -> runs.incrementAndGet());
    Tasks tasks = start(store().type(once).expireEndedAfter(Duration.ofHours(1)), 2);
    EnqueueOptions key = EnqueueOptions.defaults().key("order-9");
    String first = tasks.enqueue(once, new Job("a", 1), key);
    awaitState(tasks, first, TaskState.SUCCEEDED);
    awaitExecutionGone(first);

    CompletableFuture<String> again;
    try (Connection sweep = connect()) {
      sweep.setAutoCommit(false);
      try (PreparedStatement delete = sweep.prepareStatement("DELETE FROM " + tablePrefix() + "tasks WHERE id = ?")) {
        delete.setString(1, first);
        assertThat(delete.executeUpdate()).isEqualTo(1); // a sweep's batch, not yet committed
      }
      again = tasks.enqueueAsync(once, new Job("b", 2), key);
      Await.until(LONG, () -> again.isDone() || aStatementWaitsForALock(), "the enqueue answered or waits");
      sweep.commit();
    }

    assertThat(again.join()).isEqualTo(first);
    if (anEnqueueWaitsForTheDeletionOfItsKeysRow()) { // then stores a new task under the key's id
      assertThat(awaitState(tasks, first, TaskState.SUCCEEDED).result().orElseThrow().asInt()).isEqualTo(2);
    } else { // H2 answered with the row being deleted (the window still open): nothing new
      assertThat(tasks.status(first)).isEmpty();
      assertThat(runs).hasValue(1);
    }
  }

  /** What a handler saw of its task: its context and, at that moment, the task's status. */
  record Seen(TaskContext context, TaskStatus status) {}

  @Test
  void aHandlerSeesItsTasksIdNameAndAttemptAsStatusDoesAcrossARetry() {
    java.util.concurrent.atomic.AtomicReference<Tasks> self = new java.util.concurrent.atomic.AtomicReference<>();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    TaskType<Job> flaky = TaskType.withContext("flaky", Job.class, (job, task) -> {
      seen.add(new Seen(task, self.get().status(task.id()).orElseThrow()));
      if (task.attempt() == 1) {
        throw new IllegalStateException("first try fails");
      }
      return task.id() + "#" + task.attempt();
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = start(store().type(flaky), 2);
    self.set(tasks);

    String id = tasks.enqueue(flaky, new Job("x", 1));

    TaskStatus done = awaitState(tasks, id, TaskState.SUCCEEDED);
    assertThat(seen).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Seen s = seen.get(i);
      assertThat(s.context()).isEqualTo(new TaskContext(id, "flaky", i + 1, false, i, 2));
      assertThat(s.context().lastAttempt()).isEqualTo(i == 1);
      assertThat(s.status().state()).isEqualTo(TaskState.RUNNING);
      assertThat(s.status().attempts()).isEqualTo(s.context().attempt());
    }
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.result().orElseThrow().asText()).isEqualTo(id + "#2");
  }

  @Test
  void aHandlerKnowsItsRetriesAndWhetherAThrowNowFailsTheTaskForGood() {
    List<TaskContext> seen = new CopyOnWriteArrayList<>();
    TaskType<Job> doomed = TaskType.withContext("doomed", Job.class, (job, task) -> {
      seen.add(task);
      throw new IllegalStateException("fails every time");
    }).retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), 1.0));
    Tasks tasks = start(store().type(doomed), 2);

    String id = tasks.enqueue(doomed, new Job("x", 1));

    assertThat(awaitState(tasks, id, TaskState.FAILED).attempts()).isEqualTo(3);
    assertThat(seen).extracting(TaskContext::attempt, TaskContext::retries, TaskContext::maxAttempts, TaskContext::lastAttempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 0, 3, false), org.assertj.core.groups.Tuple.tuple(2, 1, 3, false),
            org.assertj.core.groups.Tuple.tuple(3, 2, 3, true));
  }

  @Test
  void anAsyncHandlerSeesItsTaskToo() {
    TaskType<Job> async = TaskType.asyncWithContext("async-ctx", Job.class,
        (job, task) -> CompletableFuture.completedFuture(task.name() + " " + task.id() + "#" + task.attempt()));
    Tasks tasks = start(store().type(async), 2);

    String id = tasks.enqueue(async, new Job("x", 1));

    assertThat(awaitState(tasks, id, TaskState.SUCCEEDED).result().orElseThrow().asText()).isEqualTo("async-ctx " + id + "#1");
  }

  @Test
  void aRedeliveredAttemptSaysSoInItsContext() throws Exception {
    List<TaskContext> seen = new CopyOnWriteArrayList<>();
    TaskType<Job> job = TaskType.withContext("job", Job.class, (j, task) -> seen.add(task));
    Tasks web = start(store().type(job).workers(false), 1);
    String id = web.enqueue(job, new Job("x", 1));
    leaveAsAKilledWorkerWould(job.name(), id);

    Tasks worker = start(store().type(job).heartbeat(Duration.ofMillis(250)), 1);

    TaskStatus done = awaitState(worker, id, TaskState.SUCCEEDED);
    assertThat(seen).containsExactly(new TaskContext(id, "job", 2, true, 0, 3)); // a redelivery is no retry
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.redeliveries()).isEqualTo(1);
  }

  @Test
  void aRecurringRunsHandlerSeesTheRunsId() {
    CompletableFuture<TaskContext> first = new CompletableFuture<>();
    TaskType<Job> tick = TaskType.withContext("tick", Job.class, (job, task) -> first.complete(task));
    Tasks tasks = start(store().recurring(tick, "* * * * * *", new Job("ticked", 0)), 1);

    TaskContext run = first.orTimeout(LONG.toSeconds(), TimeUnit.SECONDS).join();

    assertThat(run.id()).startsWith("tick@");
    assertThat(run.attempt()).isEqualTo(1);
    // A run that throws is failed at once, whatever the type's policy: every run is its last attempt.
    assertThat(run.retries()).isZero();
    assertThat(run.maxAttempts()).isEqualTo(1);
    assertThat(run.lastAttempt()).isTrue();
    assertThat(awaitState(tasks, run.id(), TaskState.SUCCEEDED).attempts()).isEqualTo(1);
  }

  @Test
  void aRecurringRunThatEndedIsKeptUntilItsExecutionMovedOnSoItsRevivalDoesNotRunItAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> tick = TaskType.of("tick", Job.class, j -> calls.incrementAndGet());
    String yearly = "0 0 0 1 1 *"; // no other run comes due during the test
    Instant due = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
    String run = RecurringType.runId(tick.name(), due);
    Tasks web = start(store().recurring(tick, yearly, new Job("t", 1)).workers(false).expireEndedAfter(Duration.ofMillis(1)), 1);
    // The run ended, and its worker died before moving the execution on to the next due time.
    try (Connection c = connect();
        PreparedStatement execution = c.prepareStatement("INSERT INTO " + tablePrefix() + "scheduled_tasks (task_name, "
            + "task_instance, execution_time, picked, picked_by, last_heartbeat, version) VALUES (?, 'recurring', ?, TRUE, "
            + "'killed-worker', CURRENT_TIMESTAMP - INTERVAL '1' HOUR, 2)");
        PreparedStatement status = c.prepareStatement("INSERT INTO " + tablePrefix() + "tasks (id, name, state, attempts, "
            + "redeliveries, enqueued_ms, run_at_ms, updated_ms) VALUES (?, ?, 'succeeded', 1, 0, ?, ?, ?)")) {
      execution.setString(1, tick.name());
      execution.setObject(2, due.atOffset(java.time.ZoneOffset.UTC));
      assertThat(execution.executeUpdate()).isEqualTo(1);
      status.setString(1, run);
      status.setString(2, tick.name());
      status.setLong(3, due.toEpochMilli());
      status.setLong(4, due.toEpochMilli());
      status.setLong(5, due.toEpochMilli() + 1);
      assertThat(status.executeUpdate()).isEqualTo(1);
    }

    assertThat(web.expireEnded(Instant.now())).as("the run's execution is still at its due time").isZero();
    Tasks worker = start(store().recurring(tick, yearly, new Job("t", 1)).heartbeat(Duration.ofMillis(250))
        .expireEndedAfter(Duration.ofMillis(1)), 1);

    // Revived at its due time, the run finds its row ended and the execution moves on to next year.
    Await.until(LONG, () -> {
      try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT execution_time, picked FROM "
          + tablePrefix() + "scheduled_tasks WHERE task_name = ?")) {
        s.setString(1, tick.name());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getObject(1, java.time.OffsetDateTime.class).toInstant().isAfter(due) && !r.getBoolean(2);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, "the revived run's execution moved on");
    assertThat(calls).as("the run ended before its worker died: not run again").hasValue(0);
    Await.until(LONG, () -> worker.status(run).isEmpty(), "the run expired once its execution moved on");
  }
}
