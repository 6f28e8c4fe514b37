package dev.lanes.internal.http1;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Whether a client takes a connection's response bytes, for the send timeouts of both protocols:
 * between two looks, the head of Netty's outbound buffer moved, or (epoll, io_uring: TCP_INFO) the
 * kernel sent a data segment. Netty's buffer moves only when the kernel's send buffer has room for
 * a third of itself again, which a slow client reading all along may take seconds to free; a
 * client that stopped reading gets zero-window probes only, which carry no data. Loop-confined,
 * one per connection.
 */
public final class SocketProgress {
  private final Channel channel;
  private int head; // identity of the buffer's first message at the last look
  private long headProgress; // and how much of it had been written then

  public SocketProgress(Channel channel) {
    this.channel = channel;
  }

  /** Bytes wait in Netty's outbound buffer, not yet taken by the kernel. */
  public boolean waiting() {
    var out = channel.unsafe().outboundBuffer();
    return out != null && out.totalPendingWriteBytes() > 0;
  }

  /** Starts a watch: the next {@link #movedWithin} compares with now. */
  public void mark() {
    moved();
  }

  /** Whether the client took bytes since the last look (or {@link #mark}), or within {@code nanos}. */
  public boolean movedWithin(long nanos) {
    return moved() | kernelSentWithin(nanos); // both: the marks move on every look
  }

  private boolean moved() {
    var out = channel.unsafe().outboundBuffer();
    if (out == null) {
      return true;
    }
    int current = System.identityHashCode(out.current()); // not the message itself: it may be released
    long progress = out.currentProgress();
    boolean moved = current != head || progress != headProgress;
    head = current;
    headProgress = progress;
    return moved;
  }

  /** Whether the kernel sent response data within {@code nanos} (native transports: TCP_INFO's time since the last data segment). */
  private boolean kernelSentWithin(long nanos) {
    if (channel instanceof IoUringSocketChannel uring) {
      return TimeUnit.MILLISECONDS.toNanos(uring.tcpInfo().lastDataSent()) < nanos;
    }
    if (channel instanceof EpollSocketChannel epoll) {
      return TimeUnit.MILLISECONDS.toNanos(epoll.tcpInfo().lastDataSent()) < nanos;
    }
    return false;
  }
}
