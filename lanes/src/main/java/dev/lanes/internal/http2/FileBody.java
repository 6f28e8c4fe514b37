package dev.lanes.internal.http2;

import dev.lanes.internal.exchange.FileParts;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A file body on one HTTP/2 stream: a range, or the parts of several ({@link FileParts}). HTTP/2
 * frames every byte, so there is no zero-copy {@code FileRegion}: the body is read in
 * {@link #CHUNK}-byte pieces on the loop (from the page cache, as Netty's {@code ChunkedFile}
 * does), the next piece only once the previous DATA frame has reached the socket, so flow control
 * paces the reads and at most one chunk is held per stream. Cancelling the returned future (the
 * stream was reset) stops it and closes the file.
 */
final class FileBody {
  static final int CHUNK = 16 * 1024; // the default SETTINGS_MAX_FRAME_SIZE

  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final FileParts parts;
  private final Runnable afterSent;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private FileBody(Http2ServerConnection connection, StreamRequest stream, FileParts parts, Runnable afterSent) {
    this.connection = connection;
    this.stream = stream;
    this.parts = parts;
    this.afterSent = afterSent;
  }

  /** Sends from the file the exchange opened before this head; closes it when done. */
  static CompletableFuture<Void> start(Http2ServerConnection connection, StreamRequest stream,
      Http2Headers headers, FileParts parts, Runnable afterSent) {
    FileChannel file = parts.file();
    FileBody body = new FileBody(connection, stream, parts, afterSent);
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
    ByteBuf chunk;
    try {
      chunk = parts.read(connection.context().alloc(), CHUNK);
    } catch (IOException e) {
      done.completeExceptionally(e);
      return;
    }
    boolean last = parts.isEnd();
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
