package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's child JVM on this class path, its output (stderr merged) read line by line as it comes:
 * for what only a process of its own shows (a signal, a locale).
 * Usage: {@code var child = ChildJvm.start(Main.class, Map.of(), "arg"); int port = ...child.awaitLine("PORT ")...}
 */
public final class ChildJvm {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader = Thread.ofPlatform().daemon().start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          output.add(line);
        }
      } catch (IOException e) {
        // the child is gone
      }
    });
  }

  /** Runs {@code main} with {@code args} in a new JVM, with {@code env} added to this one's environment. */
  public static ChildJvm start(Class<?> main, Map<String, String> env, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ChildJvm(builder.start());
  }

  public Process process() {
    return process;
  }

  /** The next line starting with {@code prefix}, skipping others; fails after 30 s without one. */
  public String awaitLine(String prefix) throws InterruptedException {
    while (true) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("child output line starting with %s; output %s", prefix, output).isNotNull();
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits up to {@code millis} for the rest of the output, up to its end of stream. */
  public void awaitOutputEnd(long millis) throws InterruptedException {
    reader.join(millis);
  }

  /** Every line read so far. */
  public List<String> output() {
    return List.copyOf(output);
  }
}
