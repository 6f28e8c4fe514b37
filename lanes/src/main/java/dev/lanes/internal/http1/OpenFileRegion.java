package dev.lanes.internal.http1;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A slice of a file sent zero-copy, as Netty's {@code DefaultFileRegion} (sendfile with epoll),
 * that leaves the file open once sent: the parts of a {@code multipart/byteranges} body are
 * several regions of one file, and Netty's would close it after the first. The request's scope
 * closes it.
 *
 * <pre>{@code ctx.write(new OpenFileRegion(channel, offset, length)); }</pre>
 */
final class OpenFileRegion extends DefaultFileRegion {
  OpenFileRegion(FileChannel file, long position, long count) {
    super(file, position, count);
  }

  @Override
  protected void deallocate() {
    // the file is the exchange's: closed with its request's scope
  }
}
