package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * SIGTERM while the startup hooks run (a slow connection to a database): the start ends, then
 * the server stops gracefully and its shutdown hooks close what the startup hooks opened, and
 * the process exits 0, as for a signal once it serves. A startup hook that never ends is given
 * up on after the grace period and a margin. Runs a real child JVM, since a signal ends the
 * process that receives it.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SignalDuringStartupTest {

  @Test
  void sigtermDuringAStartupHookLetsItEndThenStopsGracefullyWithTheShutdownHooks() throws Exception {
    Child child = Child.start();
    try {
      child.awaitLine("IN_STARTUP");
      assertThat(child.process.toHandle().destroy()).isTrue(); // SIGTERM
      // The JVM's default would have ended the process by now; give it the chance to.
      child.awaitSignalled();
      child.answer();
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).as("exited; output %s", child.output).isTrue();
      assertThat(child.process.exitValue()).as("exit status; output %s", child.output).isZero();
      assertThat(child.output).as("output").contains("SHUTDOWN_HOOK db", "MAIN_RETURNED");
    } finally {
      child.process.destroyForcibly();
    }
  }

  @Test
  void sigtermDuringAStartupHookThatNeverEndsExitsAfterTheGraceAndAMargin() throws Exception {
    Child child = Child.start();
    try {
      child.awaitLine("IN_STARTUP");
      assertThat(child.process.toHandle().destroy()).isTrue(); // SIGTERM; stdin never answers
      // Grace 1 s and the 10 s margin: a generous bound, not a measure of speed.
      assertThat(child.process.waitFor(40, TimeUnit.SECONDS)).as("exited; output %s", child.output).isTrue();
      assertThat(child.process.exitValue()).as("exit status; output %s", child.output).isEqualTo(143);
      assertThat(child.output).as("output").doesNotContain("MAIN_RETURNED");
    } finally {
      child.process.destroyForcibly();
    }
  }

  /** The child JVM, its output lines as they come, and its standard input. */
  private record Child(Process process, BlockingQueue<String> lines, List<String> output) {
    static Child start() throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), SignalDuringStartupMain.class.getName()))
          .redirectErrorStream(true).start();
      Child c = new Child(p, new LinkedBlockingQueue<>(), Collections.synchronizedList(new ArrayList<>()));
      Thread.ofPlatform().daemon().start(() -> {
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            c.lines.add(line);
            c.output.add(line);
          }
        } catch (IOException e) {
          // the child is gone
        }
      });
      return c;
    }

    void awaitLine(String prefix) throws InterruptedException {
      while (true) {
        String line = lines.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("child output line starting with %s; output %s", prefix, output).isNotNull();
        if (line.startsWith(prefix)) {
          return;
        }
      }
    }

    /** Waits for the log line saying the signal was taken (or for the process to end without it). */
    void awaitSignalled() throws InterruptedException {
      while (process.isAlive()) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.contains("SIGTERM")) {
          return;
        }
      }
    }

    void answer() {
      try {
        OutputStream stdin = process.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
      } catch (IOException e) {
        // the child is already gone: the exit status says why
      }
    }
  }
}
