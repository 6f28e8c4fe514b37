package dev.lanes.internal.http1;

import dev.lanes.internal.exchange.FileParts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A file body ({@link FileParts}: a range, or the parts of several) as chunks for Netty's
 * {@code ChunkedWriteHandler}, over TLS or when the body may be compressed. It fails if the file
 * ends before the body does, where Netty's {@code ChunkedNioFile} returns empty chunks for good
 * and the writer loops on them: a file truncated after its response was built would pin the event
 * loop. Failing cuts the response, as the zero-copy path and HTTP/2 do. Closing it leaves the file
 * open: the request's scope closes it.
 */
final class FileChunks implements ChunkedInput<ByteBuf> {
  private static final int CHUNK = 16 * 1024;

  private final FileParts parts;

  FileChunks(FileParts parts) {
    this.parts = parts;
  }

  @Override
  public boolean isEndOfInput() {
    return parts.isEnd();
  }

  @Override
  public void close() {}

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
    return parts.isEnd() ? null : parts.read(allocator, CHUNK);
  }

  @Override
  public long length() {
    return parts.length();
  }

  @Override
  public long progress() {
    return parts.progress();
  }
}
