package dev.lanes.internal.server;

import dev.lanes.internal.observe.LoopIdleness;
import dev.lanes.internal.observe.WatchdogSleep;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server event loop that tells the watchdog when it is idle: inside its I/O handler's run (the
 * wait for I/O and the handling of what it returned) with no channel registered, where only
 * Netty's own code runs. Tasks, timers and handlers of a connection run outside it or need a
 * channel, so a loop blocked by any of them never looks idle.
 *
 * <p>Leaving that run with no channel registered, it wakes a sleeping watchdog ({@link WatchdogSleep}).
 *
 * <p>Cost with connections (under load): per loop iteration, two opaque stores (plain stores on x86: no
 * fence) and a read of the registration count; nothing per request. Without any, a volatile store and
 * load per iteration, which an idle loop makes rarely.
 */
final class ServerLoop extends SingleThreadIoEventLoop implements LoopIdleness {
  private static final VarHandle IN_IO;

  static {
    try {
      IN_IO = MethodHandles.lookup().findVarHandle(ServerLoop.class, "inIo", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through IN_IO: written by the loop, read by the watchdog
  private boolean inIo;
  private volatile WatchdogSleep watchdog; // null: no watchdog
  // null: Netty's registration count is right. On io_uring it never falls (Netty 4.2.18 cancels a
  // closed channel's inner registration, not the loop's counting wrapper): LoopConnectionCount counts.
  private final AtomicInteger connections;

  ServerLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlers, boolean countsConnections) {
    super(parent, executor, ioHandlers);
    this.connections = countsConnections ? new AtomicInteger() : null;
  }

  void connectionRegistered() {
    if (connections != null) {
      connections.incrementAndGet();
    }
  }

  void connectionUnregistered() {
    if (connections != null) {
      connections.decrementAndGet();
    }
  }

  private int channels() {
    return connections == null ? getNumOfRegisteredChannels() : connections.get();
  }

  @Override
  protected int runIo() {
    IN_IO.setOpaque(this, true);
    try {
      return super.runIo();
    } finally {
      // Registrations change only outside this run, so a loop with channels now was not idle in it
      // and no watchdog can be asleep counting on it.
      if (channels() == 0) {
        IN_IO.setVolatile(this, false); // ordered before reading whether the watchdog sleeps
        WatchdogSleep sleep = watchdog;
        if (sleep != null) {
          sleep.wake();
        }
      } else {
        IN_IO.setOpaque(this, false);
      }
    }
  }

  @Override
  public boolean idleWithoutChannels() {
    // A loop stuck in a task has inIo false; one stuck in a channel's handler has a channel.
    return (boolean) IN_IO.getVolatile(this) && channels() == 0;
  }

  @Override
  public void watchedBy(WatchdogSleep sleep) {
    watchdog = sleep;
  }
}
