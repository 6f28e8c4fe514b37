package dev.lanes.internal.http2;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.exchange.KeepAliveFiller;
import dev.lanes.internal.exchange.WrittenBody;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A body written by blocking code in a lane ({@link ResponseBody.Written}) on one HTTP/2 stream;
 * {@link WrittenBody} runs the producer (a broken declared length resets the stream), this writes
 * the HEADERS frame, the end and keep-alive fillers, each queued on the loop from the producer's
 * thread, in order.
 */
final class ProducedBody {
  private ProducedBody() {}

  static CompletableFuture<Void> start(Http2ServerConnection connection, StreamRequest stream, Lanes lanes,
      Supplier<Http2Headers> head, ResponseBody.Written written, Runnable afterSent) {
    EventExecutor loop = connection.context().executor();
    StreamOutput out = new StreamOutput(connection, stream, written.length());
    AtomicBoolean headQueued = new AtomicBoolean();
    CompletableFuture<Void> result = WrittenBody.start(lanes, written, out, () -> {
      loop.execute(() -> {
        connection.writeHeaders(stream, head.get(), false, connection.newPromise());
        connection.flushSoon();
      });
      headQueued.set(true);
    }, () -> loop.execute(() -> {
      ChannelPromise last = connection.newPromise();
      if (afterSent != null) {
        last.addListener(f -> afterSent.run());
      }
      connection.writeData(stream, Unpooled.EMPTY_BUFFER, true, last);
      connection.flushSoon();
    }));
    written.keepAlive().ifPresent(k -> keepAliveWhileQuiet(connection, stream, out, k, headQueued, result));
    return result;
  }

  /** The filler DATA frame whenever the producer has been quiet for its interval (SSE comments). */
  private static void keepAliveWhileQuiet(Http2ServerConnection connection, StreamRequest stream,
      StreamOutput out, ResponseBody.KeepAlive keepAlive, AtomicBoolean headQueued, CompletableFuture<Void> body) {
    EventExecutor loop = connection.context().executor();
    KeepAliveFiller.start(loop, out, keepAlive.every(),
        () -> headQueued.get() && !stream.closed && out.idle(),
        // Through the task queue, behind the frames the producer queued.
        () -> loop.execute(() -> {
          if (!body.isDone()) {
            connection.writeData(stream, Unpooled.wrappedBuffer(keepAlive.bytes()), false,
                connection.newPromise());
            connection.flushSoon();
          }
        }),
        body);
  }
}
