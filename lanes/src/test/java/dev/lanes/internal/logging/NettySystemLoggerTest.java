package dev.lanes.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.internal.logging.RecordingSystemLogger.Entry;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;

class NettySystemLoggerTest {
  private final RecordingSystemLogger all = new RecordingSystemLogger(Level.ALL);
  private final InternalLogger netty = new NettySystemLogger(all);

  @Test
  void debugAndTraceBecomeTraceAndTheRestKeepTheirLevel() {
    netty.trace("t");
    netty.debug("d");
    netty.info("i");
    netty.warn("w");
    netty.error("e");
    netty.log(InternalLogLevel.DEBUG, "logged at debug");

    assertThat(all.entries).extracting(Entry::level).containsExactly(
        Level.TRACE, Level.TRACE, Level.INFO, Level.WARNING, Level.ERROR, Level.TRACE);
    assertThat(all.entries).extracting(Entry::message)
        .containsExactly("t", "d", "i", "w", "e", "logged at debug");
    assertThat(netty.name()).isEqualTo("io.netty.Recorded");
  }

  @Test
  void nettyDebugIsSilentWhereTraceIsOff() {
    RecordingSystemLogger debugAndUp = new RecordingSystemLogger(Level.DEBUG);
    InternalLogger quiet = new NettySystemLogger(debugAndUp);

    assertThat(quiet.isTraceEnabled()).isFalse();
    assertThat(quiet.isDebugEnabled()).isFalse();
    assertThat(quiet.isInfoEnabled()).isTrue();
    quiet.debug("-Dio.netty.allocator.type: {}", "pooled");
    quiet.trace("x");
    quiet.warn("kept");

    assertThat(debugAndUp.entries).extracting(Entry::message).containsExactly("kept");
  }

  @Test
  void warnAndErrorAreEnabledByTheirOwnLevels() {
    InternalLogger errorsOnly = new NettySystemLogger(new RecordingSystemLogger(Level.ERROR));

    assertThat(errorsOnly.isInfoEnabled()).isFalse();
    assertThat(errorsOnly.isWarnEnabled()).isFalse();
    assertThat(errorsOnly.isErrorEnabled()).isTrue();
  }

  @Test
  void fillsNettysPlaceholdersInEveryArity() {
    netty.info("one {}", 1);
    netty.info("{} and {}", "a", "b");
    netty.warn("{}-{}-{}", 1, 2, 3);
    netty.error("escaped \\{} then {}", "x");
    netty.info("array {}", (Object) new int[] {1, 2});
    netty.info("MessageFormat's '{0}' stays as written: {}", "ok");

    assertThat(all.entries).extracting(Entry::message).containsExactly(
        "one 1", "a and b", "1-2-3", "escaped {} then x", "array [1, 2]",
        "MessageFormat's '{0}' stays as written: ok");
    assertThat(all.entries).extracting(Entry::thrown).containsOnlyNulls();
  }

  @Test
  void passesThrowablesOn() {
    IllegalStateException boom = new IllegalStateException("boom");

    netty.error("failed", boom);
    netty.warn("channel {} failed", "c1", boom);
    netty.info("{} {} failed", "a", "b", boom);
    netty.debug(boom);

    assertThat(all.entries).extracting(Entry::thrown).containsOnly(boom);
    assertThat(all.entries).extracting(Entry::message)
        .startsWith("failed", "channel c1 failed", "a b failed");
    assertThat(all.entries.get(3).level()).isEqualTo(Level.TRACE);
  }

  @Test
  void aThrowableArgumentUsedByAPlaceholderIsText() {
    netty.warn("cause: {}", (Object) new IllegalStateException("boom"));

    assertThat(all.entries).singleElement().satisfies(e -> {
      assertThat(e.message()).isEqualTo("cause: java.lang.IllegalStateException: boom");
      assertThat(e.thrown()).isNull();
    });
  }
}
