package dev.lanes.internal.server;

import java.lang.System.Logger.Level;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops every running server ({@code Server.close()}) gracefully on SIGTERM or SIGINT, so the process exits 0 once
 * in-flight work is done instead of being cut off by the JVM's default (exit 143, connections
 * dropped). The JVM's own signal handling runs shutdown hooks but gives them no order relative to
 * the server; here the servers close first, then the JVM exits normally: when the application's
 * main thread returns, or after {@link #EXIT_AFTER} if other threads would keep it alive. A second
 * signal exits at once.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is reached reflectively so the
 * build needs no internal API; where it is missing, a shutdown hook closes the servers instead.
 */
public final class SignalShutdown {
  private static final System.Logger LOG = System.getLogger(SignalShutdown.class.getName());
  static final Duration EXIT_AFTER = Duration.ofSeconds(2);
  private static final Set<AutoCloseable> SERVERS = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean SIGNALLED = new AtomicBoolean();
  private static boolean installed; // guarded by the class

  private SignalShutdown() {}

  /** Closes {@code server} on the first SIGTERM or SIGINT. */
  public static void register(AutoCloseable server) {
    SERVERS.add(server);
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
      closeAll();
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
   * not one per server.
   */
  private static void closeAll() {
    List<Thread> closing = new ArrayList<>();
    for (AutoCloseable s : SERVERS) {
      closing.add(Thread.ofPlatform().name("lanes-signal-stop").start(() -> {
        try {
          s.close();
        } catch (Exception | Error e) { // the other servers close, and the exit timer starts, regardless
          LOG.log(Level.ERROR, "closing a server on shutdown failed", e);
        }
      }));
    }
    boolean interrupted = false;
    for (Thread t : closing) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the servers still finish closing before the exit timer starts
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
