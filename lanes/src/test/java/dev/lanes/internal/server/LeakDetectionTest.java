package dev.lanes.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {
  @Test
  void offOnlyWhenNeitherPropertyIsSet() {
    assertThat(LeakDetection.turnsOff(null, null)).isTrue();
    assertThat(LeakDetection.turnsOff("simple", null)).isFalse();
    assertThat(LeakDetection.turnsOff(null, "paranoid")).isFalse();
  }

  @Test
  void aLevelTheJvmWasStartedWithIsKept() {
    // The build's test JVMs run with -Dio.netty.leakDetection.level=simple.
    assertThat(System.getProperty(LeakDetection.PROPERTY)).isEqualTo("simple");

    LeakDetection.configure();

    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.SIMPLE);
  }
}
