package dev.lanes.internal.server;

import java.lang.System.Logger.Level;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops every running server ({@code Server.close()}) gracefully on SIGTERM or SIGINT, so the process exits 0 once
 * in-flight work is done instead of being cut off by the JVM's default (exit 143, connections
 * dropped). The JVM's own signal handling runs shutdown hooks but gives them no order relative to
 * the server; here the servers close first, then the JVM exits normally: when the application's
 * main thread returns, or after {@link #EXIT_AFTER} if other threads would keep it alive. A close
 * that outlasts the longest grace period by {@link #CLOSE_MARGIN} (a handler blocking an event
 * loop for ever, a shutdown hook that hangs) is given up on: the JVM exits with 128 + the
 * signal's number, as on a second signal, which exits at once.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is reached reflectively so the
 * build needs no internal API; where it is missing, a shutdown hook closes the servers instead.
 */
public final class SignalShutdown {
  private static final System.Logger LOG = System.getLogger(SignalShutdown.class.getName());
  static final Duration EXIT_AFTER = Duration.ofSeconds(2);
  /** Beyond the grace period, for the steps of a close after it (connections, hooks, event loops). */
  static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);
  /** Each registered server with its grace period. */
  private static final Map<AutoCloseable, Duration> SERVERS = new ConcurrentHashMap<>();
  private static final AtomicBoolean SIGNALLED = new AtomicBoolean();
  private static boolean installed; // guarded by the class

  private SignalShutdown() {}

  /** Closes {@code server} on the first SIGTERM or SIGINT, waiting for it {@code grace} and a margin at most. */
  public static void register(AutoCloseable server, Duration grace) {
    SERVERS.put(server, grace);
    install();
  }

  /** Forgets a server that closed by itself. */
  public static void unregister(AutoCloseable server) {
    SERVERS.remove(server);
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    boolean term = handle("TERM", 15);
    boolean intr = handle("INT", 2);
    if (!term || !intr) {
      Runtime.getRuntime().addShutdownHook(new Thread(SignalShutdown::closeAll, "lanes-shutdown-hook"));
    }
  }

  private static boolean handle(String name, int number) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              onSignal(name, number);
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "lanes-signal-" + name;
          });
      signal.getMethod("handle", signal, handlerType).invoke(null, sig, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.log(Level.DEBUG, () -> "cannot handle SIG" + name + "; falling back to a shutdown hook", e);
      return false;
    }
  }

  private static void onSignal(String name, int number) {
    if (!SIGNALLED.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, () -> "SIG" + name + " again: exiting now");
      Runtime.getRuntime().halt(128 + number);
      return;
    }
    LOG.log(Level.INFO, () -> "SIG" + name + ": stopping gracefully");
    // Not a daemon: the JVM waits for the servers to finish closing before it may exit.
    Thread.ofPlatform().name("lanes-signal-stop").start(() -> {
      if (!closeAll()) {
        Runtime.getRuntime().exit(128 + number); // a server still closing would hold the JVM for ever
        return;
      }
      Thread.ofPlatform().daemon().name("lanes-signal-exit").start(() -> {
        try {
          Thread.sleep(EXIT_AFTER);
        } catch (InterruptedException e) {
          return;
        }
        Runtime.getRuntime().exit(0); // other threads would keep the process alive after the stop
      });
    });
  }

  /**
   * Closes every server at once, each on its own {@code lanes-signal-stop} thread, and waits for
   * all: they all stop accepting now and drain together, so the process needs one grace period,
   * not one per server. Waits the longest grace period and {@link #CLOSE_MARGIN} at most; false
   * if a server was still closing then (its thread, a daemon, does not hold the JVM).
   */
  private static boolean closeAll() {
    List<Thread> closing = new ArrayList<>();
    Duration longest = Duration.ZERO;
    for (Map.Entry<AutoCloseable, Duration> entry : SERVERS.entrySet()) {
      AutoCloseable s = entry.getKey();
      longest = entry.getValue().compareTo(longest) > 0 ? entry.getValue() : longest;
      closing.add(Thread.ofPlatform().daemon().name("lanes-signal-stop").start(() -> {
        try {
          s.close();
        } catch (Exception | Error e) { // the other servers close, and the exit timer starts, regardless
          LOG.log(Level.ERROR, "closing a server on shutdown failed", e);
        }
      }));
    }
    long deadline = after(longest.plus(CLOSE_MARGIN));
    boolean interrupted = false;
    try {
      for (Thread t : closing) {
        while (true) {
          try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || t.join(Duration.ofNanos(left))) {
              break;
            }
          } catch (InterruptedException e) {
            interrupted = true; // the servers still finish closing before the exit timer starts
          }
        }
        if (t.isAlive()) {
          Duration waited = longest.plus(CLOSE_MARGIN);
          LOG.log(Level.ERROR, () -> "a server is still closing " + waited
              + " after the signal (its grace period and a margin): exiting without it");
          return false;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code System.nanoTime()} {@code d} from now, saturating: a "for ever" grace never wraps round. */
  private static long after(Duration d) {
    long now = System.nanoTime();
    long nanos = d.toNanos(); // cannot throw: ServerConfig cuts durations to ~73 years
    return now + nanos < now ? Long.MAX_VALUE : now + nanos;
  }
}
