package dev.lanes.internal.server;

import java.lang.System.Logger.Level;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops every running server ({@code Server.close()}), and every other service registered through
 * {@code StopOnSignal} (a task worker), gracefully on SIGTERM or SIGINT, so the process exits 0 once
 * in-flight work is done instead of being cut off by the JVM's default (exit 143, connections
 * dropped). The JVM's own signal handling runs shutdown hooks but gives them no order relative to
 * the server; here the servers close first, then the JVM exits normally: when the application's
 * main thread returns, or, if other threads would keep it alive, {@link #EXIT_AFTER} after the
 * threads that waited in {@code awaitClose} ended (main's cleanup after it is not cut short; it
 * gets the grace period at most). A close
 * that outlasts the longest grace period by {@link #CLOSE_MARGIN} (a handler blocking an event
 * loop for ever, a shutdown hook that hangs) is given up on: the JVM exits with 128 + the
 * signal's number, as on a second signal, which exits at once.
 *
 * <p>A server whose startup hooks are still running when the signal comes ({@link #starting})
 * is waited for, as long as a close at most, and closed once started: the JVM's default would
 * end the process half-started, with what the hooks opened never closed. A start after the
 * signal is refused.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is reached reflectively so the
 * build needs no internal API; where it is missing, a shutdown hook closes the servers instead.
 */
public final class SignalShutdown {
  private static final System.Logger LOG = System.getLogger(SignalShutdown.class.getName());
  static final Duration EXIT_AFTER = Duration.ofSeconds(2);
  /** Beyond the grace period, for the steps of a close after it (connections, hooks, event loops). */
  static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);
  /** Each registered server. */
  private static final Map<AutoCloseable, Registration> SERVERS = new ConcurrentHashMap<>();
  /** Each server whose start is under way; guarded by the class. */
  private static final Map<Starting, Registration> STARTING = new HashMap<>();
  private static final AtomicBoolean SIGNALLED = new AtomicBoolean();
  private static boolean installed; // guarded by the class

  private SignalShutdown() {}

  /**
   * A server's grace period, and the threads that waited in its {@code awaitClose} (a live set):
   * after the signal the process waits for them (main, cleaning up) before it forces the exit.
   */
  private record Registration(Duration grace, Collection<Thread> awaiting) {}

  /** A server's start under way: {@link #started} or {@link #failed} ends it. */
  public static final class Starting {
    private Starting() {}
  }

  /**
   * Handles the signals from now on, before the startup hooks run: a signal during them waits
   * for the start to end and then closes the server.
   *
   * @throws IllegalStateException if a signal already came: the process is stopping
   */
  public static Starting starting(Duration grace) {
    install();
    synchronized (SignalShutdown.class) {
      if (SIGNALLED.get()) {
        throw new IllegalStateException("the process is stopping (a SIGTERM or SIGINT came): not starting");
      }
      Starting s = new Starting();
      STARTING.put(s, new Registration(grace, List.of()));
      return s;
    }
  }

  /**
   * The start ended with {@code server} running: it closes on the signal, waited for its grace
   * and a margin at most; then the threads in {@code awaiting} (those that called its
   * {@code awaitClose}) get the grace period to end before the exit is forced.
   */
  public static void started(Starting start, AutoCloseable server, Collection<Thread> awaiting) {
    synchronized (SignalShutdown.class) {
      SERVERS.put(server, new Registration(STARTING.remove(start).grace(), awaiting));
      SignalShutdown.class.notifyAll();
    }
  }

  /** The start failed: nothing to close. */
  public static void failed(Starting start) {
    synchronized (SignalShutdown.class) {
      STARTING.remove(start);
      SignalShutdown.class.notifyAll();
    }
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
    synchronized (SignalShutdown.class) {
      if (!STARTING.isEmpty()) {
        LOG.log(Level.WARNING, () -> "SIG" + name + " while " + STARTING.size()
            + " server(s) or worker(s) run their startup hooks: stopping them once started");
      }
    }
    // Not a daemon, said outright: a builder inherits the caller's status, and the JVM's signal
    // handler thread is a daemon. The JVM waits for the servers to finish closing before it may exit.
    Thread.ofPlatform().daemon(false).name("lanes-signal-stop").start(() -> {
      Optional<List<Registration>> closed = closeAll();
      if (closed.isEmpty()) {
        Runtime.getRuntime().exit(128 + number); // a server still closing would hold the JVM for ever
        return;
      }
      Thread.ofPlatform().daemon().name("lanes-signal-exit").start(() -> {
        try {
          awaitAwaiting(closed.get());
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
   * not one per server. Waits the longest grace period and {@link #CLOSE_MARGIN} at most; the
   * servers closed, or empty if one was still closing then (its thread, a daemon, does not hold
   * the JVM).
   */
  private static Optional<List<Registration>> closeAll() {
    if (!awaitStarts()) {
      return Optional.empty();
    }
    List<Thread> closing = new ArrayList<>();
    List<Registration> closed = new ArrayList<>();
    Duration longest = Duration.ZERO;
    for (Map.Entry<AutoCloseable, Registration> entry : SERVERS.entrySet()) {
      AutoCloseable s = entry.getKey();
      Duration grace = entry.getValue().grace();
      closed.add(entry.getValue());
      longest = grace.compareTo(longest) > 0 ? grace : longest;
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
          return Optional.empty();
        }
      }
      return Optional.of(closed);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for the starts under way to end (after the signal no other begins), their longest
   * grace period and {@link #CLOSE_MARGIN} at most; false if one was still starting then.
   */
  private static boolean awaitStarts() {
    boolean interrupted = false;
    try {
      synchronized (SignalShutdown.class) {
        Duration longest = STARTING.values().stream().map(Registration::grace).max(Duration::compareTo)
            .orElse(Duration.ZERO);
        long deadline = after(longest.plus(CLOSE_MARGIN));
        while (!STARTING.isEmpty()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            Duration waited = longest.plus(CLOSE_MARGIN);
            LOG.log(Level.ERROR, () -> "a server or worker is still running its startup hooks " + waited
                + " after the signal (its grace period and a margin): exiting without it");
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(SignalShutdown.class, left);
          } catch (InterruptedException e) {
            interrupted = true; // the starts still end before the servers close
          }
        }
        return true;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for the threads that waited in the closed servers' {@code awaitClose} (main, cleaning
   * up after it: closing a pool, flushing a queue), their longest grace period at most. A daemon
   * thread does not hold the JVM, so it is not waited for.
   */
  private static void awaitAwaiting(List<Registration> closed) throws InterruptedException {
    Duration longest = closed.stream().map(Registration::grace).max(Duration::compareTo).orElse(Duration.ZERO);
    long deadline = after(longest);
    for (Registration r : closed) {
      for (Thread t : List.copyOf(r.awaiting())) {
        if (t.isDaemon()) {
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !t.join(Duration.ofNanos(left))) {
          LOG.log(Level.WARNING, () -> "thread " + t.getName() + " still runs " + longest
              + " after its server closed: exiting without it");
          return;
        }
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
