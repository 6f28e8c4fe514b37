package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
    ChildJvm jvm = ChildJvm.start(SignalHangMain.class, Map.of(), where);
    Process child = jvm.process();
    try (Socket socket = new Socket()) {
      int port = Integer.parseInt(jvm.awaitLine("PORT ").substring(5));
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      jvm.awaitLine("IN_HANDLER");
      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(child.toHandle().destroy()).isTrue();
      // Grace 1 s: a generous bound, not a measure of speed.
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited after SIGTERM; output %s", jvm.output()).isTrue();
      // A hung lane thread does not stop the server closing (main returns: 0); a hung event loop
      // does, and the close is given up on (128 + SIGTERM's 15).
      assertThat(child.exitValue()).as("exit status; output %s", jvm.output()).isEqualTo(where.equals("loop") ? 143 : 0);
    } finally {
      child.destroyForcibly();
    }
  }
}
