package dev.lanes.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer's batching with a store of the test's own: the first batch is held in the store
 * until the next callers have queued, so they form one batch whatever the timing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitTest {
  /** Holds its first batch until released; records every batch; fails the batches after the first if told. */
  private static final class HeldStore implements GroupCommit.Store {
    final CountDownLatch firstEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final boolean failLater;

    HeldStore(boolean failLater) {
      this.failLater = failLater;
    }

    @Override
    public Set<String> insertAll(List<TaskInsert.Row> rows) throws SQLException {
      batches.add(rows.stream().map(TaskInsert.Row::id).toList());
      if (batches.size() == 1) {
        firstEntered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      } else if (failLater) {
        throw new SQLException("disk full");
      }
      return rows.stream().map(TaskInsert.Row::id).collect(Collectors.toSet());
    }
  }

  private static TaskInsert.Row row(String id) {
    return row(id, 0);
  }

  private static TaskInsert.Row row(String id, int payloadBytes) {
    Instant now = Instant.now();
    return new TaskInsert.Row(id, "t", new byte[payloadBytes], now, now);
  }

  /** Starts the held first insert, then {@code ids} more, and releases the store once they all queued. */
  private static List<CompletableFuture<Boolean>> heldThenBatch(GroupCommit commit, HeldStore store, List<String> ids)
      throws InterruptedException {
    return heldThenBatch(commit, store, ids, id -> 0);
  }

  /** As above, each row with a payload of {@code payloadBytes(id)} bytes. */
  private static List<CompletableFuture<Boolean>> heldThenBatch(GroupCommit commit, HeldStore store, List<String> ids,
      java.util.function.ToIntFunction<String> payloadBytes) throws InterruptedException {
    var callers = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> insert(commit, row("first")), callers);
    store.firstEntered.await();
    List<CompletableFuture<Boolean>> rest = new ArrayList<>();
    for (String id : ids) {
      rest.add(CompletableFuture.supplyAsync(() -> insert(commit, row(id, payloadBytes.applyAsInt(id))), callers));
    }
    while (commit.queued() < ids.size()) {
      Thread.onSpinWait(); // the callers are queuing behind the held batch
    }
    store.release.countDown();
    assertThat(first.join()).isTrue();
    return rest;
  }

  private static boolean insert(GroupCommit commit, TaskInsert.Row row) {
    return commit.submit(row).join();
  }

  @Test
  void callersArrivingWhileABatchIsWrittenAreStoredAsOneBatchAndEachIsAnswered() throws Exception {
    HeldStore store = new HeldStore(false);
    try (GroupCommit commit = new GroupCommit(store, 100, Long.MAX_VALUE, "test-enqueue")) {
      List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g", "h");
      List<CompletableFuture<Boolean>> answers = heldThenBatch(commit, store, ids);

      assertThat(answers).allSatisfy(a -> assertThat(a.join()).isTrue());
      assertThat(store.batches).hasSize(2);
      assertThat(store.batches.get(0)).containsExactly("first");
      assertThat(store.batches.get(1)).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void aBatchIsNoLargerThanTheLimit() throws Exception {
    HeldStore store = new HeldStore(false);
    try (GroupCommit commit = new GroupCommit(store, 3, Long.MAX_VALUE, "test-enqueue")) {
      List<CompletableFuture<Boolean>> answers = heldThenBatch(commit, store, List.of("a", "b", "c", "d", "e", "f", "g"));

      assertThat(answers).allSatisfy(a -> assertThat(a.join()).isTrue());
      assertThat(store.batches.subList(1, store.batches.size())).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(3));
      assertThat(store.batches.stream().mapToInt(List::size).sum()).isEqualTo(8);
    }
  }

  /** Payloads up to the per-payload limit, 256 to a batch, made statements of gigabytes on PostgreSQL. */
  @Test
  void aBatchCarriesNoMorePayloadBytesThanTheLimitUnlessOneRowAloneDoes() throws Exception {
    HeldStore store = new HeldStore(false);
    try (GroupCommit commit = new GroupCommit(store, 100, 10, "test-enqueue")) {
      List<String> ids = List.of("a", "b", "c", "d", "e", "huge", "f", "g");
      List<CompletableFuture<Boolean>> answers = heldThenBatch(commit, store, ids, id -> id.equals("huge") ? 15 : 4);

      assertThat(answers).allSatisfy(a -> assertThat(a.join()).isTrue());
      List<List<String>> later = store.batches.subList(1, store.batches.size());
      // 4-byte rows two at a time at most; the 15-byte row, past the limit alone, in a batch of its own.
      assertThat(later).allSatisfy(b -> assertThat(b.contains("huge") ? b.size() == 1 : b.size() <= 2)
          .as("batch %s", b).isTrue());
      assertThat(later.stream().mapToInt(List::size).sum()).isEqualTo(ids.size());
    }
  }

  @Test
  void aFailingBatchFailsEveryCallerInIt() throws Exception {
    HeldStore store = new HeldStore(true);
    try (GroupCommit commit = new GroupCommit(store, 100, Long.MAX_VALUE, "test-enqueue")) {
      List<CompletableFuture<Boolean>> answers = heldThenBatch(commit, store, List.of("a", "b", "c", "d"));

      assertThat(answers).allSatisfy(a -> assertThatThrownBy(a::join).hasRootCauseInstanceOf(SQLException.class)
          .hasRootCauseMessage("disk full"));
      assertThat(store.batches).hasSize(2);
    }
  }

  @Test
  void anIdRepeatedInOneBatchIsNewForOneCallerOnly() throws Exception {
    HeldStore store = new HeldStore(false);
    try (GroupCommit commit = new GroupCommit(store, 100, Long.MAX_VALUE, "test-enqueue")) {
      List<CompletableFuture<Boolean>> answers = heldThenBatch(commit, store, List.of("k", "k", "k", "other"));

      assertThat(answers.subList(0, 3).stream().filter(CompletableFuture::join).count()).isEqualTo(1);
      assertThat(answers.get(3).join()).isTrue();
    }
  }

  @Test
  void closeStoresWhatWasHandedOverAndRefusesMore() throws Exception {
    HeldStore store = new HeldStore(false);
    GroupCommit commit = new GroupCommit(store, 100, Long.MAX_VALUE, "test-enqueue");
    var callers = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> insert(commit, row("first")), callers);
    store.firstEntered.await();
    CompletableFuture<Boolean> queued = CompletableFuture.supplyAsync(() -> insert(commit, row("queued")), callers);
    while (commit.queued() < 1) {
      Thread.onSpinWait();
    }
    CompletableFuture<Void> closed = CompletableFuture.runAsync(commit::close, callers);
    store.release.countDown();
    closed.join();
    assertThatThrownBy(() -> commit.submit(row("late"))).isInstanceOf(IllegalStateException.class);

    assertThat(first.join()).isTrue();
    assertThat(queued.join()).isTrue();
    assertThat(store.batches).containsExactly(List.of("first"), List.of("queued"));
    commit.close(); // idempotent
  }
}
