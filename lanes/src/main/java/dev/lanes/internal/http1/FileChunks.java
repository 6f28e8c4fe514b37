package dev.lanes.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;

/**
 * A file range as chunks for Netty's {@code ChunkedWriteHandler} (over TLS, or when the body may be
 * compressed) that fails if the file ends before the range does. Netty's {@code ChunkedNioFile}
 * then returns empty chunks for good, and the writer loops on them: a file truncated after its
 * response was built would pin the event loop. Failing cuts the response, as the zero-copy path
 * and HTTP/2 do.
 */
final class FileChunks implements ChunkedInput<ByteBuf> {
  private final ChunkedNioFile file;
  private final String name;

  FileChunks(ChunkedNioFile file, String name) {
    this.file = file;
    this.name = name;
  }

  @Override
  public boolean isEndOfInput() throws Exception {
    return file.isEndOfInput();
  }

  @Override
  public void close() throws Exception {
    file.close();
  }

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
    ByteBuf chunk = file.readChunk(allocator);
    if (chunk != null && !chunk.isReadable() && !file.isEndOfInput()) {
      chunk.release();
      throw new IOException(name + " ended at byte " + file.currentOffset() + " of "
          + file.endOffset() + ": it shrank while being sent");
    }
    return chunk;
  }

  @Override
  public long length() {
    return file.length();
  }

  @Override
  public long progress() {
    return file.progress();
  }
}
