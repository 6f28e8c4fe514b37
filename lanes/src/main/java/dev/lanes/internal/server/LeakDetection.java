package dev.lanes.internal.server;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detection, off unless the JVM was started with a level for it. Lanes' API
 * hands no buffers to apps (bodies are byte arrays, streams, files), so a leak report could only
 * point at Lanes itself; at Netty's default level every message pays for it on every pipeline
 * hop (a {@code touch}) and every buffer allocation (a sampling draw): about 0.5 us of user CPU
 * per request in {@code benchmarks/cpu-per-request.sh}. Vert.x turns it off the same way.
 * Debugging a leak: {@code -Dio.netty.leakDetection.level=paranoid}; the tests run with
 * {@code simple}.
 *
 * <pre>{@code LeakDetection.configure(); // in Server.start, before any channel's pipeline exists}</pre>
 *
 * <p>Internal: not API.
 */
public final class LeakDetection {
  /** Netty's property for the level, and its older spelling, which Netty still reads. */
  static final String PROPERTY = "io.netty.leakDetection.level";
  static final String LEGACY_PROPERTY = "io.netty.leakDetectionLevel";

  private LeakDetection() {}

  /**
   * Turns leak detection off unless either property is set. A pipeline reads the level when it
   * is created, so this must run before the server's first channel.
   */
  public static void configure() {
    if (turnsOff(System.getProperty(PROPERTY), System.getProperty(LEGACY_PROPERTY))) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** Whether the server turns detection off, given the two properties' values (null: not set). */
  static boolean turnsOff(String level, String legacyLevel) {
    return level == null && legacyLevel == null;
  }
}
