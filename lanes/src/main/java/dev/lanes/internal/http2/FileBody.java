package dev.lanes.internal.http2;

import dev.lanes.http.ResponseBody;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A file range on one HTTP/2 stream. HTTP/2 frames every byte, so there is no zero-copy
 * {@code FileRegion}: the range is read in {@link #CHUNK}-byte pieces on the loop (from the page
 * cache, as Netty's {@code ChunkedFile} does), the next piece only once the previous DATA frame
 * has reached the socket, so flow control paces the reads and at most one chunk is held per
 * stream. Cancelling the returned future (the stream was reset) stops it and closes the file.
 */
final class FileBody {
  static final int CHUNK = 16 * 1024; // the default SETTINGS_MAX_FRAME_SIZE

  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final FileChannel file;
  private final Runnable afterSent;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private long position;
  private long remaining;

  private FileBody(Http2ServerConnection connection, StreamRequest stream, FileChannel file, long offset,
      long length, Runnable afterSent) {
    this.connection = connection;
    this.stream = stream;
    this.file = file;
    this.position = offset;
    this.remaining = length;
    this.afterSent = afterSent;
  }

  /** Sends from the file the exchange opened before this head; closes it when done. */
  static CompletableFuture<Void> start(Http2ServerConnection connection, StreamRequest stream,
      Http2Headers headers, ResponseBody.FileRange range, Runnable afterSent) {
    FileChannel file = range.channel().orElseThrow();
    FileBody body = new FileBody(connection, stream, file, range.offset(), range.length(), afterSent);
    body.done.whenComplete((v, e) -> {
      try {
        file.close();
      } catch (IOException ignored) {
        // read-only: nothing was lost
      }
    });
    connection.writeHeaders(stream, headers, false, connection.newPromise());
    body.next();
    return body.done;
  }

  private void next() {
    if (done.isDone()) {
      return;
    }
    int n = (int) Math.min(CHUNK, remaining);
    ByteBuf chunk = connection.context().alloc().buffer(n);
    try {
      while (chunk.writableBytes() > 0 && chunk.readableBytes() < n) {
        int read = chunk.writeBytes(file, position + chunk.readableBytes(), n - chunk.readableBytes());
        if (read < 0) {
          throw new IOException("file ended " + remaining + " bytes early");
        }
      }
    } catch (IOException e) {
      chunk.release();
      done.completeExceptionally(e);
      return;
    }
    position += n;
    remaining -= n;
    boolean last = remaining == 0;
    ChannelPromise promise = connection.newPromise();
    promise.addListener(f -> {
      if (!f.isSuccess()) {
        done.completeExceptionally(f.cause());
      } else if (last) {
        if (afterSent != null) {
          afterSent.run();
        }
        done.complete(null);
      } else {
        next();
      }
    });
    connection.writeData(stream, chunk, last, promise);
    connection.flushSoon();
  }
}
