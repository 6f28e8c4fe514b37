package dev.lanes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.server.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    ChildJvm jvm = ChildJvm.start(StaticFilesAsciiLocaleMain.class, Map.of("LANG", "C", "LC_ALL", "C"), root.toString());
    Process child = jvm.process();
    try {
      String encoding = jvm.awaitLine("JNU ").substring(4);
      Assumptions.assumeFalse(encoding.equals("UTF-8"), "this system's C locale names files in UTF-8");
      int port = Integer.parseInt(jvm.awaitLine("PORT ").substring(5));
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, port, "/static/abc.txt").statusCode()).isEqualTo(200);
      HttpResponse<String> accented = get(http, port, "/static/%C3%A9.txt");
      assertThat(accented.statusCode()).as("output %s", jvm.output()).isEqualTo(404);
      assertThat(accented.body()).isEqualTo("Not Found");
    } finally {
      child.destroyForcibly();
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
