package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.lanes.App;
import dev.lanes.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Stored tasks at their edges: error texts and ids PostgreSQL cannot hold, due times in the past or past
 * what a store can hold, payloads the codec cannot write, stored tasks of types a starting worker does
 * not register, an enqueue-only process without its types' lanes, retry caps past what nanoseconds can
 * hold, and a drain on PostgreSQL with claims still waiting for a slot, and a drain interrupting a
 * handler that wraps the interrupt or, in another lane, ignores it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TaskEdgesTest {
  record Job(String text) {}

  private final String prefix = "te" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    PostgresStore.drop(prefix);
  }

  private Tasks start(Tasks.Builder builder, int capacity) {
    App app = App.builder().lane(Tasks.lane(capacity)).build();
    opened.add(app);
    Tasks tasks = builder.build();
    tasks.start(app);
    opened.add(tasks);
    return tasks;
  }

  @Test
  void aRetentionOfZeroOrLessIsRefusedNamingTheWayToKeepEndedTasks() {
    assertThatThrownBy(() -> Tasks.builder().expireEndedAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expireEndedAfter must be positive").hasMessageContaining("keepEndedForever()");
    assertThatThrownBy(() -> Tasks.builder().expireEndedAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
  }

  @Test
  void aPayloadSizeLimitBelowOneByteOrAbove64MiBIsRefusedNamingTheRange() {
    for (int bytes : new int[] {0, -1, 64 * 1024 * 1024 + 1}) {
      assertThatThrownBy(() -> Tasks.builder().maxPayloadBytes(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxPayloadBytes must be 1..67108864 (64 MiB), got " + bytes);
    }
    Tasks.builder().maxPayloadBytes(1).maxPayloadBytes(64 * 1024 * 1024);
  }

  @Test
  void closeEndsTheExpiryThreadAndAWorkerKeepingEndedTasksForeverHasNone() throws Exception {
    TaskType<Job> ok = TaskType.of("ok", Job.class, Job::text);
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    Tasks tasks = start(Tasks.builder().type(ok), 1);
    List<Thread> expiry = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("lanes-tasks-expiry") && !before.contains(t)).toList();
    assertThat(expiry).hasSize(1);

    tasks.close();

    expiry.get(0).join(); // ended, not parked for good
    Tasks forever = start(Tasks.builder().type(ok).keepEndedForever(), 1);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("lanes-tasks-expiry") && t.isAlive() && !before.contains(t));
    assertThat(forever.isRunning()).isTrue();
  }

  @Test
  void aSweepEndingInAnErrorDoesNotStopTheLaterSweeps() {
    TaskType<Job> ok = TaskType.of("ok", Job.class, Job::text);
    AtomicInteger reports = new AtomicInteger();
    TaskListener assertsOnce = new TaskListener() {
      @Override
      public void expired(long count) {
        if (reports.incrementAndGet() == 1) {
          throw new AssertionError("a listener's failed assertion (an Error, not an exception)");
        }
      }
    };
    Tasks tasks = start(Tasks.builder().type(ok).expireEndedAfter(Duration.ofMillis(100)).listener(assertsOnce), 2);
    String first = tasks.enqueue(ok, new Job("a"));
    Await.until(Duration.ofSeconds(30), () -> reports.get() == 1, "the first sweep reported " + first);

    String second = tasks.enqueue(ok, new Job("b"));

    Await.until(Duration.ofSeconds(30), () -> tasks.status(second).isEmpty(), "a later sweep expired " + second);
    assertThat(reports).hasValue(2);
  }

  @Test
  void aFailureWhoseMessageHasANulCharacterIsRecordedOnPostgres() {
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> parse = TaskType.of("parse", Job.class, job -> {
      calls.incrementAndGet();
      return Integer.parseInt(job.text()); // NumberFormatException: For input string: "12\u00003"
    }).retry(RetryPolicy.none());
    PostgresStore.assumeReachable();
    Tasks tasks = start(PostgresStore.builder(prefix).type(parse), 2);

    String id = tasks.enqueue(parse, new Job("12\u00003"));

    // RetryPolicy.none(): one attempt, then 'failed' with the error.
    TaskStatus s = Await.value(Duration.ofSeconds(20), () -> tasks.status(id).orElseThrow(),
        st -> st.state().isFinal() || calls.get() > 1, "task " + id + " final (or run again)");
    assertThat(calls).as("handler calls under RetryPolicy.none()").hasValue(1);
    assertThat(s.state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void anIdWithANulCharacterIsUnknownOnPostgres() {
    PostgresStore.assumeReachable();
    TaskType<Job> echo = TaskType.of("echo", Job.class, Job::text);
    Tasks tasks = start(PostgresStore.builder(prefix).type(echo), 1);

    // An id from a URL (GET /tasks/%00) reaches the store as it is; PostgreSQL refused it (a 500).
    assertThat(tasks.status("a\u0000b")).isEmpty();
    assertThat(tasks.cancel("a\u0000b")).isFalse();
  }

  @Test
  void aWorkerStartingWithTasksOfATypeItDoesNotRegisterInTheStoreSaysSo() {
    String url = "jdbc:h2:mem:te-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    TaskType<Job> job = TaskType.of("job", Job.class, j -> j.text());
    TaskType<Job> renamed = TaskType.of("resize-v1", Job.class, j -> j.text());
    Tasks web = start(Tasks.builder().database(url).type(job).type(renamed).workers(false), 1);
    web.enqueue(renamed, new Job("a"));
    web.enqueue(renamed, new Job("b"));
    web.enqueue(job, new Job("c"));
    Logger logger = (Logger) LoggerFactory.getLogger(Tasks.class.getName());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      // A deploy that renamed the type: its stored tasks wait for good, and nothing said so.
      start(Tasks.builder().database(url).type(job), 1);
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(List.copyOf(appender.list)).filteredOn(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("2 tasks of type 'resize-v1'").doesNotContain("'job'"));
  }

  @Test
  void anEnqueueOnlyProcessNeedsNoLaneItsTypesRunInButAWorkerDoes() {
    TaskType<Job> resize = TaskType.of("resize", Job.class, j -> j.text()).lane("images");
    // The web process runs no handler: it enqueues only, and had to define the workers' lane anyway.
    App web = App.builder().build();
    opened.add(web);
    Tasks enqueueOnly = Tasks.builder().type(resize).workers(false).build();
    enqueueOnly.start(web);
    opened.add(enqueueOnly);
    assertThat(enqueueOnly.status(enqueueOnly.enqueue(resize, new Job("a")))).isPresent();

    App worker = App.builder().lane(Tasks.lane(1)).build();
    opened.add(worker);
    assertThatThrownBy(() -> Tasks.builder().type(resize).build().start(worker))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'resize'").hasMessageContaining("'images'");
  }

  record Nested(List<Object> items) {}

  @Test
  void aPayloadTheCodecCannotWriteIsRefusedAsAnArgumentNamingTheType() {
    TaskType<Nested> nested = TaskType.of("nested", Nested.class, n -> "ran");
    Tasks tasks = start(Tasks.builder().type(nested).workers(false), 1);
    Object deep = "leaf";
    for (int i = 0; i < 1200; i++) { // past Jackson's writing depth of 1000
      deep = List.of(deep);
    }
    Nested payload = new Nested(List.of(deep));

    // It threw the codec's IllegalStateException, as a store failure does, naming neither the type nor the task.
    assertThatThrownBy(() -> tasks.enqueue(nested, payload))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nested'").hasMessageContaining(Nested.class.getName()).hasMessageContaining("1000");
    assertThatThrownBy(() -> tasks.enqueueAsync(nested, payload)).isInstanceOf(IllegalArgumentException.class);
    assertThat(tasks.statistics().enqueued()).isZero();
  }

  /** A payload whose JSON is {@code chunks} strings of 100 characters, which its serializer writes one at a time. */
  record Chunked(@JsonSerialize(using = CountedChunks.class) int chunks) {}

  /** Writes a {@link Chunked}'s strings and counts how many the writer was given. */
  static final class CountedChunks extends StdSerializer<Integer> {
    static final AtomicInteger WRITTEN = new AtomicInteger();

    CountedChunks() {
      super(Integer.class);
    }

    @Override
    public void serialize(Integer chunks, JsonGenerator out, SerializerProvider provider) throws IOException {
      out.writeStartArray();
      for (int i = 0; i < chunks; i++) {
        WRITTEN.incrementAndGet();
        out.writeString("x".repeat(100));
      }
      out.writeEndArray();
    }
  }

  @Test
  void aPayloadFarPastTheSizeLimitIsRefusedOnceItsJsonPassesTheLimitNotAfterItWasWrittenWhole() {
    TaskType<Chunked> big = TaskType.of("chunked", Chunked.class, c -> "ran");
    Tasks tasks = start(Tasks.builder().type(big).maxPayloadBytes(1024).workers(false), 1);
    CountedChunks.WRITTEN.set(0);

    // About 1 MB of JSON against a limit of 1 KiB: the writer stops past the limit (and the codec's
    // buffer of a few KB), a few dozen strings in, not after all 10 000.
    Throwable refused = catchThrowable(() -> tasks.enqueue(big, new Chunked(10_000)));

    assertThat(CountedChunks.WRITTEN.get()).as("strings the writer was given").isPositive().isLessThan(200);
    assertThat(refused).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload of task type 'chunked' is at least ")
        .hasMessageEndingWith(" bytes of JSON, past the limit of 1024 (Tasks.Builder.maxPayloadBytes)");
    assertThat(tasks.statistics().enqueued()).isZero();
  }

  /** A serial number of many digits, which reads back as a number. */
  @JsonSerialize(using = SwallowingDigits.class)
  record Serial(String digits) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    Serial(java.math.BigInteger n) {
      this(n.toString());
    }
  }

  /** Writes a {@link Serial}'s digits ten at a time, and swallows the stream's refusal as a careless serializer would. */
  static final class SwallowingDigits extends StdSerializer<Serial> {
    SwallowingDigits() {
      super(Serial.class);
    }

    @Override
    public void serialize(Serial serial, JsonGenerator out, SerializerProvider provider) {
      String digits = serial.digits();
      try {
        for (int i = 0; i < digits.length(); i += 10) {
          out.writeRaw(digits, i, Math.min(10, digits.length() - i));
          out.flush();
        }
      } catch (IOException swallowed) {
        // what the test is about: the serializer returns normally with its JSON cut short
      }
    }
  }

  @Test
  void aPayloadPastTheSizeLimitIsRefusedThoughItsSerializerSwallowedTheRefusal() {
    TaskType<Serial> serial = TaskType.of("serial", Serial.class, s -> s.digits().length());
    Tasks tasks = start(Tasks.builder().type(serial).maxPayloadBytes(100).workers(false), 1);

    // Accepted as the 100 digits written before the limit: the task would have run with a number cut short.
    assertThatThrownBy(() -> tasks.enqueue(serial, new Serial("7".repeat(200))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("payload of task type 'serial' is at least 110 bytes of JSON, past the limit of 100 "
            + "(Tasks.Builder.maxPayloadBytes)");
    assertThat(tasks.statistics().enqueued()).isZero();
    assertThat(tasks.statistics().byState().values().stream().mapToLong(Long::longValue).sum()).isZero();
  }

  @Test
  void aDueTimeNoStoreCanHoldIsRefusedOnTheCallersThread() {
    // Checked when stored, it failed every enqueue of the same batch (GroupCommit) with it.
    assertThatThrownBy(() -> EnqueueOptions.defaults().in(Duration.ofDays(365L * 300_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latest due time");
    assertThatThrownBy(() -> EnqueueOptions.defaults().at(Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latest due time");
    assertThatThrownBy(() -> EnqueueOptions.defaults().key("a\0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    assertThat(EnqueueOptions.defaults().at(EnqueueOptions.LATEST).dueAt(Instant.now())).isEqualTo(EnqueueOptions.LATEST);
  }

  @Test
  void aTaskEnqueuedAtAPastTimeDoesNotMakeTheQueueOlderThanItIs() {
    TaskType<Job> job = TaskType.of("job", Job.class, j -> j.text());
    Tasks tasks = start(Tasks.builder().type(job).workers(false), 1);
    Instant before = Instant.now();

    String id = tasks.enqueue(job, new Job("x"), EnqueueOptions.defaults().at(before.minus(Duration.ofDays(1))));

    // "a past time is due now": it has waited since its enqueue, a few milliseconds.
    assertThat(tasks.statistics().queueAge(Instant.now())).as("queue age right after the only enqueue")
        .isLessThan(Duration.ofMinutes(1));
    assertThat(tasks.status(id).orElseThrow().runAt()).as("TaskStatus.runAt (due)").isAfterOrEqualTo(before.truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void aRetryPolicyWithAnUnboundedCapComputesItsBackoff() {
    RetryPolicy policy = RetryPolicy.attempts(3).maxBackoff(ChronoUnit.FOREVER.getDuration());
    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1)); // 1 s, then 2 s, ... (javadoc)
  }

  @Test
  void aFailingTaskWithAnUnboundedCapIsRetriedByItsPolicyNotRedelivered() {
    List<Duration> retried = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    TaskType<Job> flaky = TaskType.of("flaky", Job.class, j -> {
      calls.incrementAndGet();
      throw new IllegalStateException("always");
    }).retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(50), 1.0).maxBackoff(ChronoUnit.FOREVER.getDuration()));
    Tasks tasks = start(Tasks.builder().type(flaky).listener(new TaskListener() {
      @Override
      public void retried(String name, String id, int attempt, Duration backoff, Throwable error) {
        retried.add(backoff);
      }
    }), 1);

    String id = tasks.enqueue(flaky, new Job("x"));

    TaskStatus s = Await.value(Duration.ofSeconds(30), () -> tasks.status(id).orElseThrow(), st -> st.state().isFinal(),
        "task final");
    assertThat(s.state()).isEqualTo(TaskState.FAILED);
    assertThat(retried).as("retried events (50 ms backoff)").containsExactly(Duration.ofMillis(50));
    assertThat(s.redeliveries()).as("redeliveries (no worker died)").isZero();
  }

  @Test
  void aDrainDoesNotHandBackATaskWhoseHandlerInAnotherLaneStillRuns() throws Exception {
    String url = "jdbc:h2:mem:te-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    TaskType<Job> stubborn = TaskType.of("stubborn", Job.class, j -> {
      running.countDown();
      while (release.getCount() > 0) { // a read that interrupts do not end
        Thread.onSpinWait();
      }
      return "done";
    }).lane("io");
    App app = App.builder().lane(Tasks.lane(1)).lane(dev.lanes.concurrency.Lane.builder("io").capacity(1)).build();
    opened.add(app);
    Tasks reader = start(Tasks.builder().database(url).type(stubborn).workers(false), 1);
    Tasks worker = Tasks.builder().database(url).type(stubborn).shutdownGrace(Duration.ZERO).build();
    worker.start(app);
    String id = worker.enqueue(stubborn, new Job("x"));
    running.await();
    try {
      worker.close(); // interrupts the attempt: its worker-lane thread gave up waiting for the io lane at once

      // It was handed back, due now, for another worker to run beside the handler still running.
      assertThat(reader.status(id).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aHandlerInAnotherLaneThatFinishesDespiteTheDrainsInterruptSucceeded() throws Exception {
    String url = "jdbc:h2:mem:te-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    TaskType<Job> finishes = TaskType.of("finishes", Job.class, j -> {
      running.countDown();
      while (!Thread.currentThread().isInterrupted()) { // work that notices the interrupt only once done
        Thread.onSpinWait();
      }
      return "done";
    }).lane("io");
    App app = App.builder().lane(Tasks.lane(1)).lane(dev.lanes.concurrency.Lane.builder("io").capacity(1)).build();
    opened.add(app);
    Tasks reader = start(Tasks.builder().database(url).type(finishes).workers(false), 1);
    Tasks worker = Tasks.builder().database(url).type(finishes).shutdownGrace(Duration.ZERO).build();
    worker.start(app);
    String id = worker.enqueue(finishes, new Job("x"));
    running.await();
    worker.close(); // interrupts the attempt; the handler returns its result all the same

    // As in the worker lane: a handler that returned succeeded; handed back, it would run again.
    assertThat(reader.status(id).orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void anAttemptWhoseHandlerWrapsTheDrainsInterruptIsHandedBackNotFailed(@TempDir Path dir) throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    TaskType<Job> wraps = TaskType.of("wraps", Job.class, j -> {
      started.countDown();
      try {
        new java.util.concurrent.CountDownLatch(1).await();
      } catch (InterruptedException e) {
        throw new IllegalStateException("interrupted while waiting", e); // the usual wrap: the flag is cleared
      }
      return j.text();
    }).retry(RetryPolicy.none());
    String url = "jdbc:h2:file:" + dir.resolve("tasks").toAbsolutePath();
    Tasks tasks = start(Tasks.builder().database(url).type(wraps).shutdownGrace(Duration.ofMillis(100)), 1);
    String id = tasks.enqueue(wraps, new Job("w"));
    started.await();

    tasks.close(); // the grace ends with the attempt still running: interrupted

    try (App app = App.builder().build(); Tasks reader = Tasks.builder().database(url).workers(false).type(wraps).build()) {
      reader.start(app);
      TaskStatus back = reader.status(id).orElseThrow();
      // It was 'failed' for good (its only attempt spent), though it never failed: the worker stopped.
      assertThat(back.state()).isEqualTo(TaskState.QUEUED);
      assertThat(back.error().orElseThrow()).contains("worker stopped");
    }
  }

  @Test
  void aDrainStartsNoTaskThatWasOnlyClaimedAhead() throws Exception {
    java.util.concurrent.CountDownLatch aStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch releaseA = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger bStarts = new AtomicInteger();
    TaskType<Job> hold = TaskType.of("hold", Job.class, j -> {
      if (j.text().equals("A")) {
        aStarted.countDown();
        releaseA.await();
      } else {
        bStarts.incrementAndGet();
        Thread.sleep(Duration.ofHours(1)); // a long task (the demo allows sleep?seconds=3600)
      }
      return j.text();
    });
    PostgresStore.assumeReachable();
    App app = App.builder().lane(Tasks.lane(1)).build();
    opened.add(app);
    Tasks tasks = PostgresStore.builder(prefix).type(hold).claimAhead(1).shutdownGrace(Duration.ofSeconds(20)).build();
    tasks.start(app);
    opened.add(tasks);

    String a = tasks.enqueue(hold, new Job("A"));
    aStarted.await();
    String b = tasks.enqueue(hold, new Job("B"));
    Await.until(Duration.ofSeconds(20), () -> app.lanes().get(Tasks.WORKER_LANE).statistics().waiting() == 1,
        "B claimed ahead, waiting in the lane");

    CompletableFuture<Void> closed = CompletableFuture.runAsync(tasks::close);
    // db-scheduler is in Executor.stop: shutting down, waiting for the running attempt (A)
    Await.until(Duration.ofSeconds(20), () -> Thread.getAllStackTraces().values().stream().anyMatch(st ->
        java.util.Arrays.stream(st).anyMatch(f -> f.getClassName().equals("com.github.kagkarlsson.scheduler.Executor")
            && f.getMethodName().equals("stop"))), "the drain waiting for A");
    long releasedAt = System.nanoTime();
    releaseA.countDown(); // the only running attempt ends at once

    closed.get(60, TimeUnit.SECONDS);
    Duration drainAfterA = Duration.ofNanos(System.nanoTime() - releasedAt);
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(bStarts).as("attempts of B, claimed ahead but not running when the drain began").hasValue(0);
    soft.assertThat(drainAfterA).as("drain after the last running attempt ended").isLessThan(Duration.ofSeconds(10));
    soft.assertThat(tasks.isRunning()).isFalse();
    soft.assertAll();
  }
}
