package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * SIGTERM stops a server gracefully by default: the request in flight completes 200 and the
 * process exits 0. Runs a real child JVM, since a signal ends the process that receives it.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalStopTest {
  @Test
  void sigtermLetsTheRequestInFlightFinishAndExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), SignalStopMain.class.getName()))
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          output.add(line);
        }
      } catch (java.io.IOException e) {
        // the child is gone
      }
    });
    try {
      int port = Integer.parseInt(awaitLine(lines, "PORT ").substring(5));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
          HttpResponse.BodyHandlers.ofString());
      awaitLine(lines, "IN_SLOW");
      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(child.toHandle().destroy()).isTrue();

      HttpResponse<String> r;
      try {
        r = slow.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        child.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        throw new AssertionError("request failed; child exit " + (child.isAlive() ? "alive" : child.exitValue()) + " output " + output, e);
      }
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("done");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      assertThat(child.exitValue()).isZero();
      reader.join(TimeUnit.SECONDS.toMillis(10)); // the rest of its output, up to end of stream
      assertThat(List.copyOf(output)).as("the child's main returned (not a forced exit)").contains("MAIN_RETURNED");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void mainsCleanupAfterTheServerClosedIsNotCutShort() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), SignalStopMain.class.getName(), "cleanup"))
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          output.add(line);
        }
      } catch (java.io.IOException e) {
        // the child is gone
      }
    });
    try {
      awaitLine(lines, "PORT ");
      assertThat(child.toHandle().destroy()).isTrue(); // SIGTERM
      awaitLine(lines, "CLEANUP_START");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(10)); // the rest of its output, up to end of stream
      assertThat(child.exitValue()).as("exit status; output %s", output).isZero();
      // main's 3 s of cleanup outlast the 2 s after which stray threads no longer hold the exit
      assertThat(List.copyOf(output)).as("main cleaned up and returned").contains("CLEANED", "MAIN_RETURNED");
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
