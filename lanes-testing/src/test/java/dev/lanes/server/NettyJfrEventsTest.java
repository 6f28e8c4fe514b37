package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's first request does not initialize JFR (Netty's allocator registers its JFR events on
 * its first chunk, which loads JFR's metadata on the event loop: about 120 ms of that request),
 * unless the user asked for Netty's events. Runs a child JVM that logs the classes it loads, since
 * the test JVM's Netty was initialized long before.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyJfrEventsTest {
  private static final String JFR_METADATA = "jdk.jfr.internal.MetadataRepository ";
  private static final String FIRST_CHUNK = "io.netty.buffer.AdaptivePoolingAllocator$Chunk ";

  @TempDir
  Path dir;

  @Test
  void theFirstRequestDoesNotInitializeJfr() throws Exception {
    List<String> loaded = serveOnceLoggingClasses(List.of());
    assertThat(loaded).as("the allocator made its first chunk").anyMatch(l -> l.contains(FIRST_CHUNK));
    assertThat(loaded).noneMatch(l -> l.contains(JFR_METADATA));
  }

  @Test
  void nettysEventsStayWhenTheUserAsksForThem() throws Exception {
    List<String> loaded = serveOnceLoggingClasses(List.of("-Dio.netty.jfr.enabled=true"));
    assertThat(loaded).anyMatch(l -> l.contains(JFR_METADATA));
  }

  private List<String> serveOnceLoggingClasses(List<String> options) throws Exception {
    Path log = dir.resolve("classes.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + log));
    cmd.addAll(options);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyJfrEventsMain.class.getName()));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("SERVED HTTP/1.1 200");
    assertThat(child.exitValue()).as(output).isZero();
    return Files.readAllLines(log);
  }
}
