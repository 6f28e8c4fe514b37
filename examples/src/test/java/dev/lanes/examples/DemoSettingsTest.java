package dev.lanes.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.concurrency.LaneSizing;
import dev.lanes.server.IoTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's environment: defaults, overrides, and an error naming the variable for each bad value. */
class DemoSettingsTest {

  @Test
  void unsetOrBlankVariablesTakeTheDefaults() {
    for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("SLEEP", " ", "PORT", ""))) {
      DemoSettings s = DemoSettings.from(env);
      assertThat(s.host()).isEqualTo("127.0.0.1");
      assertThat(s.port()).isEqualTo(8000);
      assertThat(s.sleep()).isEqualTo(Duration.ofSeconds(3));
      assertThat(s.backgroundSleep()).isEqualTo(Duration.ofSeconds(10));
      assertThat(s.limitConcurrency()).isZero();
      assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(s.metrics()).isTrue();
      assertThat(s.watchdog()).isEqualTo(Duration.ofMillis(100));
      assertThat(s.pinning()).isEqualTo(Runtime.version().feature() < 24);
      assertThat(s.cpuLane()).isEqualTo(LaneSizing.adaptive());
      assertThat(s.cpuHashesPerMs()).isZero();
      assertThat(s.h2StreamWindow()).isEqualTo(256 * 1024);
    }
  }

  @Test
  void everyVariableIsRead() {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "HOST", "0.0.0.0", "PORT", "9000", "SLEEP", "0.25", "BG_SLEEP", "1.5", "STATIC_DIR", "static",
        "LIMIT_CONCURRENCY", "200", "READ_TIMEOUT", "10", "METRICS", "OFF", "WATCHDOG_MS", "0", "PINNING", "off"));
    env.put("CPU_LANE", "8");
    env.put("CPU_HASHES_PER_MS", "900");
    env.put("H2_STREAM_WINDOW", "4194304");
    env.put("TRANSPORT", "EPOLL");
    DemoSettings s = DemoSettings.from(env);
    assertThat(s).isEqualTo(new DemoSettings("0.0.0.0", 9000, Duration.ofMillis(250), Duration.ofMillis(1500),
        Optional.of(Path.of("static")), 200, Duration.ofSeconds(10), false, Duration.ZERO, false, Optional.empty(), 0,
        true, LaneSizing.fixed(8), 900, 4 << 20, IoTransport.EPOLL));
    assertThat(DemoSettings.from(Map.of("CPU_LANE", "Adaptive")).cpuLane()).isEqualTo(LaneSizing.adaptive());
  }

  @Test
  void pinningReportsAreOnByDefaultOnlyWhereSynchronizedPins() {
    assertThat(DemoSettings.pinningPays(21)).isTrue();
    assertThat(DemoSettings.pinningPays(23)).isTrue();
    assertThat(DemoSettings.pinningPays(24)).isFalse();
    assertThat(DemoSettings.pinningPays(25)).isFalse();
    boolean auto = DemoSettings.pinningPays(Runtime.version().feature());
    assertThat(DemoSettings.from(Map.of("PINNING", "auto")).pinning()).isEqualTo(auto);
    assertThat(DemoSettings.from(Map.of("PINNING", "ON")).pinning()).isTrue();
    assertThat(DemoSettings.from(Map.of("PINNING", "off")).pinning()).isFalse();
  }

  @Test
  void tlsPortTurnsTlsOnWithASelfSignedCertificateOrTheGivenFiles() {
    assertThat(DemoSettings.from(Map.of()).tls()).isEmpty();
    DemoSettings self = DemoSettings.from(Map.of("TLS_PORT", "8443", "TLS_ENGINE", "jdk"));
    assertThat(self.tlsPort()).isEqualTo(8443);
    assertThat(self.tls().orElseThrow().source()).isInstanceOf(dev.lanes.server.Tls.Source.SelfSigned.class);
    assertThat(self.tls().orElseThrow().engine()).isEqualTo(dev.lanes.server.Tls.Engine.JDK);
    assertThatThrownBy(() -> DemoSettings.from(Map.of("TLS_PORT", "8443", "TLS_CERT", "pom.xml")))
        .hasMessageStartingWith("TLS_KEY must be set when TLS_CERT is");
    assertThatThrownBy(() -> DemoSettings.from(Map.of("TLS_PORT", "8443", "TLS_CERT", "nope.pem", "TLS_KEY", "pom.xml")))
        .hasMessage("TLS_CERT must be an existing PEM file, got 'nope.pem'");
    assertThatThrownBy(() -> DemoSettings.from(Map.of("TLS_PORT", "8443", "TLS_ENGINE", "boring")))
        .hasMessage("TLS_ENGINE must be auto, openssl or jdk, got 'boring'");
  }

  @ParameterizedTest
  @CsvSource({
      "PORT, abc", "PORT, 70000", "PORT, -1",
      "SLEEP, abc", "SLEEP, -1", "SLEEP, NaN", "SLEEP, Infinity", "BG_SLEEP, 3s",
      "LIMIT_CONCURRENCY, -5", "READ_TIMEOUT, 0", "READ_TIMEOUT, 1.5", "WATCHDOG_MS, -1",
      "METRICS, yes", "PINNING, false", "PINNING, yes", "STATIC_DIR, no-such-directory", "COMPRESSION, gzip", "TLS_PORT, https", "CPU_LANE, 0", "CPU_LANE, fast",
      "H2_STREAM_WINDOW, 65534", "H2_STREAM_WINDOW, 4MiB"})
  void aBadValueFailsNamingTheVariableAndTheValue(String name, String value) {
    assertThatThrownBy(() -> DemoSettings.from(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(name + " must be ")
        .hasMessageEndingWith(", got '" + value + "'");
  }
}
