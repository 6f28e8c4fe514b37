package dev.lanes.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.Test;

class NettyLoggingTest {
  @Test
  void installRoutesNettysLoggersToSystemLoggerAndIsIdempotent() {
    NettyLogging.install();
    NettyLogging.install();

    assertThat(InternalLoggerFactory.getDefaultFactory()).isSameAs(NettySystemLoggerFactory.INSTANCE);
    assertThat(InternalLoggerFactory.getInstance("io.netty.Some"))
        .isInstanceOf(NettySystemLogger.class)
        .satisfies(l -> assertThat(l.name()).isEqualTo("io.netty.Some"));
  }

  @Test
  void theSystemPropertyChoosesRouteOrKeep() {
    assertThat(NettyLogging.routes("route")).isTrue();
    assertThat(NettyLogging.routes("keep")).isFalse();
    assertThatThrownBy(() -> NettyLogging.routes("slf4j"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lanes.netty.logging").hasMessageContaining("'slf4j'");
  }
}
