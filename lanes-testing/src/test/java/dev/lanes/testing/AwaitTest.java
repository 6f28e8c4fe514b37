package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AwaitTest {

  @Test
  void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger state = new AtomicInteger();
    Thread other = Thread.ofVirtual().start(() -> {
      try {
        go.await();
        state.set(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    go.countDown();
    Await.until(() -> state.get() == 3, "state 3");
    assertThat(Await.value(state::get, v -> v == 3, "state 3")).isEqualTo(3);
    other.join();
  }

  @Test
  void aTimeoutFailsWithTheDescription() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(20), () -> false, "the moon to be blue"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.02S waiting for: the moon to be blue");
  }

  @Test
  void aValueTimeoutAlsoShowsTheLastValueSeen() {
    assertThatThrownBy(() -> Await.value(Duration.ofMillis(20), () -> "2 waiting", s -> false,
        "3 waiting"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.02S waiting for: 3 waiting; last seen: 2 waiting");
  }

  @Test
  void anInterruptedWaitFailsAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until(() -> false, "never"))
          .isInstanceOf(AssertionError.class).hasMessageContaining("interrupted waiting for: never");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aNegativeTimeoutIsRefused() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(-1), () -> true, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
