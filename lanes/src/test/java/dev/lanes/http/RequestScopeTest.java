package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.concurrency.Race;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestScopeTest {

  @Test
  void cleanupsRunOnceInReverseOrderOfRegistration() {
    StringBuilder order = new StringBuilder();
    RequestScope scope = RequestScope.create();
    assertThat(scope.hasCleanups()).isFalse();
    scope.onClose(() -> order.append('a'));
    scope.onClose(() -> order.append('b'));
    assertThat(scope.hasCleanups()).isTrue();
    scope.close();
    scope.close();
    assertThat(order).hasToString("ba");
    assertThat(scope.hasCleanups()).isFalse();
    scope.onClose(() -> order.append('c')); // after the end: at once
    assertThat(order).hasToString("bac");
  }

  @Test
  void aFailingCleanupDoesNotStopTheOthers() {
    AtomicInteger ran = new AtomicInteger();
    RequestScope scope = RequestScope.create();
    scope.onClose(ran::incrementAndGet);
    scope.onClose(() -> {
      throw new IllegalStateException("cleanup fails");
    });
    scope.close();
    assertThat(ran).hasValue(1);
  }

  @Test
  void cancelStopsRegisteredWorkAndEndsTheScope() {
    AtomicInteger stopped = new AtomicInteger();
    AtomicInteger cleaned = new AtomicInteger();
    RequestScope scope = RequestScope.create();
    scope.onCancel(stopped::incrementAndGet);
    scope.onClose(cleaned::incrementAndGet);
    scope.cancel();
    assertThat(scope.isCancelled()).isTrue();
    assertThat(stopped).hasValue(1);
    assertThat(cleaned).hasValue(1);
  }

  @Test
  void everyCleanupRacingTheCloseRunsExactlyOnce() throws Exception {
    int threads = 4;
    int perThread = 2_000;
    for (int round = 0; round < 20; round++) {
      RequestScope scope = RequestScope.create();
      AtomicInteger ran = new AtomicInteger();
      // a registration before the close is run by it, one after it runs at once
      Race.registrationsAgainst(threads, perThread, () -> scope.onClose(ran::incrementAndGet), scope::close);
      assertThat(ran).hasValue(threads * perThread);
    }
  }
}
