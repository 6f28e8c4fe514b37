package dev.lanes.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When fillers go out, on an embedded loop whose clock the test moves: no sleeps. */
class KeepAliveFillerTest {
  private static final Duration EVERY = Duration.ofSeconds(10);

  /** A body output that writes nothing; the test says when the producer wrote. */
  static final class Output extends BodyOutput {
    Output(EmbeddedChannel channel) {
      super(channel.eventLoop().ticker());
    }

    @Override
    public long written() {
      return 0;
    }

    @Override
    public void close() {}

    @Override
    public void write(int b) {
      touch();
    }
  }

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final AtomicInteger fillers = new AtomicInteger();
  private final CompletableFuture<Void> body = new CompletableFuture<>();
  private final Output out;

  KeepAliveFillerTest() {
    channel.freezeTime();
    out = new Output(channel);
  }

  private void advance(long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aBusyBodyGetsNoFillerAndAQuietOneGetsItsFirstOneIntervalAfterTheLastWrite() {
    KeepAliveFiller.start(channel.eventLoop(), out, EVERY, () -> true, fillers::incrementAndGet, body);
    for (int i = 0; i < 5; i++) { // a write every 7 s, under the 10 s interval
      advance(7);
      out.write(0);
    }
    assertThat(fillers).as("busy: no filler between writes").hasValue(0);
    advance(9);
    assertThat(fillers).hasValue(0);
    advance(1);
    assertThat(fillers).as("quiet for exactly the interval since the last write").hasValue(1);
    advance(10);
    assertThat(fillers).as("and again each interval while quiet").hasValue(2);
    advance(4);
    out.write(0);
    advance(9);
    assertThat(fillers).as("a write restarts the wait").hasValue(2);
    advance(1);
    assertThat(fillers).hasValue(3);
  }

  @Test
  void noFillerWhileTheProtocolSaysNoOrOnceTheBodyHasEnded() {
    AtomicBoolean may = new AtomicBoolean();
    KeepAliveFiller.start(channel.eventLoop(), out, EVERY, may::get, fillers::incrementAndGet, body);
    advance(25);
    assertThat(fillers).as("head not queued yet").hasValue(0);
    may.set(true);
    advance(10);
    assertThat(fillers).hasValue(1);
    body.complete(null);
    advance(60);
    assertThat(fillers).as("ended").hasValue(1);
    assertThat(channel.finish()).isFalse();
  }
}
