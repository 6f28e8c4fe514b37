package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a locale whose file names are ASCII ({@code LANG=C}, common in containers), a path with
 * a character the file system encoding cannot name is a file that is not there: 404, not a 500
 * and a logged stack trace for every such request. Runs a child JVM, whose locale is set at start.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaticFilesAsciiLocaleTest {
  @TempDir Path root;

  @Test
  void aNameTheFileSystemCannotEncodeIsNotFound() throws Exception {
    Files.writeString(root.resolve("abc.txt"), "abc");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), StaticFilesAsciiLocaleMain.class.getName(), root.toString()))
        .redirectErrorStream(true);
    builder.environment().put("LANG", "C");
    builder.environment().put("LC_ALL", "C");
    Process child = builder.start();
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
    try {
      String encoding = awaitLine(lines, "JNU ").substring(4);
      Assumptions.assumeFalse(encoding.equals("UTF-8"), "this system's C locale names files in UTF-8");
      int port = Integer.parseInt(awaitLine(lines, "PORT ").substring(5));
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, port, "/static/abc.txt").statusCode()).isEqualTo(200);
      HttpResponse<String> accented = get(http, port, "/static/%C3%A9.txt");
      assertThat(accented.statusCode()).as("output %s", output).isEqualTo(404);
      assertThat(accented.body()).isEqualTo("Not Found");
    } finally {
      child.destroyForcibly();
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
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
