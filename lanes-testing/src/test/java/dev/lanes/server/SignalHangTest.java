package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM ends the process even when a handler never ends: the servers' close is waited for
 * the grace period and a margin, no longer. Runs a real child JVM, since a signal ends the
 * process that receives it.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SignalHangTest {
  @ParameterizedTest
  @ValueSource(strings = {"lane", "loop"})
  void sigtermExitsAlthoughAHandlerNeverEnds(String where) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), SignalHangMain.class.getName(), where))
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread.ofPlatform().daemon().start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          output.add(line);
        }
      } catch (java.io.IOException e) {
        // the child is gone
      }
    });
    try (Socket socket = new Socket()) {
      int port = Integer.parseInt(awaitLine(lines, "PORT ").substring(5));
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitLine(lines, "IN_HANDLER");
      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(child.toHandle().destroy()).isTrue();
      // Grace 1 s: a generous bound, not a measure of speed.
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited after SIGTERM; output %s", output).isTrue();
      // A hung lane thread does not stop the server closing (main returns: 0); a hung event loop
      // does, and the close is given up on (128 + SIGTERM's 15).
      assertThat(child.exitValue()).as("exit status; output %s", output).isEqualTo(where.equals("loop") ? 143 : 0);
    } finally {
      child.destroyForcibly();
    }
  }

  private static String awaitLine(BlockingQueue<String> lines, String prefix) throws InterruptedException {
    while (true) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("child output line starting with " + prefix).isNotNull();
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }
}
