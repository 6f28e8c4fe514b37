package dev.lanes.internal.server;

import dev.lanes.server.IoTransport;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/** The Netty transport behind an {@link IoTransport}: its name, loop I/O and server channel. */
public record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {
  private static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

  /**
   * Puts what this transport needs at the head of an accepted connection's pipeline, before any
   * other handler: on io_uring, {@link ReadsEndAtClose} and {@link LoopConnectionCount}.
   */
  public void prepare(Channel connection) {
    if (connection instanceof IoUringSocketChannel) {
      connection.pipeline()
          .addFirst("reads-end-at-close", new ReadsEndAtClose())
          .addFirst("loop-count", LoopConnectionCount.INSTANCE);
    }
  }

  /** Whether the server's loops count their connections themselves: Netty's count is wrong here. */
  boolean countsConnections() {
    return serverChannel == IoUringServerSocketChannel.class;
  }

  /**
   * The transport {@code wanted} names; for {@link IoTransport#AUTO} io_uring, else epoll, else NIO,
   * the first available here.
   *
   * @throws IllegalStateException if a named native transport is unavailable here (with why)
   */
  public static Transport of(IoTransport wanted) {
    return switch (wanted) {
      case AUTO -> {
        ioUringSettings(); // before IoUring's class loads, which isAvailable does
        yield IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
      }
      case IO_URING -> ioUring();
      case EPOLL -> {
        requireAvailable("epoll", Epoll.isAvailable(), Epoll.unavailabilityCause());
        yield epoll();
      }
      case NIO -> nio();
    };
  }

  private static Transport ioUring() {
    ioUringSettings();
    requireAvailable("io_uring", IoUring.isAvailable(), IoUring.unavailabilityCause());
    return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
  }

  private static void ioUringSettings() {
    // Netty 4.2.18's io_uring waits for a readable socket with one multishot poll per connection,
    // which reports it once: a client whose data and reset arrive together is never read again,
    // so its connection is never closed and its work never cancelled. A poll armed per read sees
    // the reset. Set before IoUring's class reads it; a value the user set stays.
    if (System.getProperty(MULTISHOT_POLL) == null) {
      System.setProperty(MULTISHOT_POLL, "false");
    }
  }

  private static void requireAvailable(String name, boolean available, Throwable cause) {
    if (!available) {
      throw new IllegalStateException("transport " + name + " is unavailable here: " + cause);
    }
  }

  private static Transport epoll() {
    return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }
}
