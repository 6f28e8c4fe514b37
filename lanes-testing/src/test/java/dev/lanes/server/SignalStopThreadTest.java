package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code lanes-signal-stop} thread that closes everything on SIGTERM/SIGINT is not a daemon
 * (CONCURRENCY.md), though the JVM's signal handler thread it starts from is: the JVM must wait
 * for the closes (task workers' drains included) however early {@code main} returns. A child JVM,
 * since the signal stops the process.
 */
class SignalStopThreadTest {
  @Test
  void theThreadWaitingForTheClosesIsNotADaemon() throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        SignalStopThreadMain.class.getName());
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("WAITER daemon=").doesNotContain("WAITER daemon=true");
  }
}
