package dev.lanes.internal.server;

import jdk.jfr.FlightRecorder;

/**
 * Netty's JFR events (its buffer allocator's chunk events), off unless the JVM runs a recording
 * when the server starts or {@code io.netty.jfr.enabled} is set. Netty registers them on its first
 * chunk, which initializes JFR's metadata on the event loop in the middle of the first request:
 * about 120 ms added to that request, and the watchdog reports the loop blocked (measured on the
 * demo: the first request 285 ms, 165 ms without). A recording started with
 * {@code -XX:StartFlightRecording} keeps the events, as does {@code -Dio.netty.jfr.enabled=true}.
 * Netty reads the property once, when its {@code PlatformDependent} class initializes: an app
 * that used Netty before starting a server keeps Netty's default.
 *
 * <pre>{@code NettyJfrEvents.configure(); // in Server.start, before the server's first Netty class}</pre>
 *
 * <p>Internal: not API.
 */
public final class NettyJfrEvents {
  static final String PROPERTY = "io.netty.jfr.enabled";

  private NettyJfrEvents() {}

  /** Turns Netty's JFR events off unless the property is set or a recording already runs. */
  public static void configure() {
    if (turnsOff(System.getProperty(PROPERTY), FlightRecorder.isInitialized())) {
      System.setProperty(PROPERTY, "false");
    }
  }

  /** Whether the server turns the events off, given the property (null: not set) and whether JFR runs. */
  static boolean turnsOff(String property, boolean recorderInitialized) {
    return property == null && !recorderInitialized;
  }
}
