package dev.lanes.internal.server;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detection, off unless the JVM was started with a level for it. Lanes' API
 * hands no buffers to apps (bodies are byte arrays, streams, files), so a leak report could only
 * point at Lanes itself; at Netty's default level every message pays for it on every pipeline
 * hop (a {@code touch}) and every buffer allocation (a sampling draw), about 5% of the loop's own
 * CPU per request. Vert.x turns it off the same way. Debugging a leak:
 * {@code -Dio.netty.leakDetection.level=paranoid}; the tests run with {@code simple}.
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
    if (System.getProperty(PROPERTY) == null && System.getProperty(LEGACY_PROPERTY) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }
}
