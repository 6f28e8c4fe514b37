package dev.lanes.internal.server;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The server's event loops: Netty's, each a {@code ServerLoop}, which the blocked-loop watchdog can
 * leave asleep while it has no connection (on io_uring the loops count their connections
 * themselves, told by {@link LoopConnectionCount}: Netty's count never falls there).
 *
 * <pre>{@code EventLoopGroup loops = new ServerLoops(4, new DefaultThreadFactory("lanes-loop", true), t); }</pre>
 */
public final class ServerLoops extends MultiThreadIoEventLoopGroup {

  /** {@code threads} loops made by {@code threads}' factory, doing I/O with {@code transport}. */
  public ServerLoops(int threads, ThreadFactory threadFactory, Transport transport) {
    super(threads, threadFactory, transport.ioHandlers(), transport.countsConnections());
  }

  @Override
  protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlers, Object... args) {
    return new ServerLoop(this, executor, ioHandlers, (Boolean) args[0]);
  }
}
