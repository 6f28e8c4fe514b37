package dev.lanes.internal.logging;

import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Sends Netty's own logging to {@link System.Logger}, where the Lanes core logs, with Netty's DEBUG
 * demoted to TRACE (see {@link NettySystemLogger}). Without this Netty picks SLF4J if it finds it
 * on the class path, and an app with Logback but no Logback config prints dozens of Netty DEBUG
 * lines.
 *
 * <pre>{@code NettyLogging.install(); // first thing in Server.start, before Netty is touched}</pre>
 *
 * <p>An embedding app that configures Netty's logging itself runs with
 * {@code -Dlanes.netty.logging=keep}: then Netty keeps whatever factory it has or picks.
 * Netty classes take their logger when they are first initialized, so a class used before
 * {@code install()} keeps the logger it got from Netty's own choice.
 *
 * <p>Internal: not API.
 */
public final class NettyLogging {
  /** The system property that decides: {@code route} (the default) or {@code keep}. */
  public static final String PROPERTY = "lanes.netty.logging";

  private static boolean installed; // guarded by NettyLogging.class

  private NettyLogging() {}

  /**
   * Makes Netty log through {@link System.Logger} unless {@value #PROPERTY} is {@code keep}; does
   * it once, so a factory the app sets afterwards is not replaced by a later server start.
   *
   * @throws IllegalArgumentException if {@value #PROPERTY} is neither {@code route} nor {@code keep}
   */
  public static synchronized void install() {
    if (routes(System.getProperty(PROPERTY, "route")) && !installed) {
      InternalLoggerFactory.setDefaultFactory(NettySystemLoggerFactory.INSTANCE);
      installed = true;
    }
  }

  static boolean routes(String setting) {
    return switch (setting) {
      case "route" -> true;
      case "keep" -> false;
      default -> throw new IllegalArgumentException(
          "-D" + PROPERTY + " must be 'route' (Netty logs through System.Logger, the default)"
              + " or 'keep' (Netty keeps its own logging choice), was '" + setting + "'");
    };
  }
}
