package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    ChildJvm jvm = ChildJvm.start(SignalStopMain.class, Map.of());
    Process child = jvm.process();
    try {
      int port = Integer.parseInt(jvm.awaitLine("PORT ").substring(5));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
          HttpResponse.BodyHandlers.ofString());
      jvm.awaitLine("IN_SLOW");
      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(child.toHandle().destroy()).isTrue();

      HttpResponse<String> r;
      try {
        r = slow.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        child.waitFor(10, TimeUnit.SECONDS);
        jvm.awaitOutputEnd(5000);
        throw new AssertionError("request failed; child exit " + (child.isAlive() ? "alive" : child.exitValue()) + " output " + jvm.output(), e);
      }
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("done");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      assertThat(child.exitValue()).isZero();
      jvm.awaitOutputEnd(TimeUnit.SECONDS.toMillis(10)); // the rest of its output, up to end of stream
      assertThat(jvm.output()).as("the child's main returned (not a forced exit)").contains("MAIN_RETURNED");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void mainsCleanupAfterTheServerClosedIsNotCutShort() throws Exception {
    ChildJvm jvm = ChildJvm.start(SignalStopMain.class, Map.of(), "cleanup");
    Process child = jvm.process();
    try {
      jvm.awaitLine("PORT ");
      assertThat(child.toHandle().destroy()).isTrue(); // SIGTERM
      jvm.awaitLine("CLEANUP_START");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      jvm.awaitOutputEnd(TimeUnit.SECONDS.toMillis(10)); // the rest of its output, up to end of stream
      assertThat(child.exitValue()).as("exit status; output %s", jvm.output()).isZero();
      // main's 3 s of cleanup outlast the 2 s after which stray threads no longer hold the exit
      assertThat(jvm.output()).as("main cleaned up and returned").contains("CLEANED", "MAIN_RETURNED");
    } finally {
      child.destroyForcibly();
    }
  }
}
