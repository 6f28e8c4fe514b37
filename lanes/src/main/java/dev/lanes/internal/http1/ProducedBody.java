package dev.lanes.internal.http1;

import dev.lanes.concurrency.Lanes;
import dev.lanes.internal.exchange.KeepAliveFiller;
import dev.lanes.internal.exchange.WrittenBody;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body written by blocking code in a lane ({@link ResponseBody.Written}) as HTTP/1.1 chunks (or
 * a body of its declared length); {@link WrittenBody} runs the producer, this writes its head, end
 * and keep-alive fillers.
 */
final class ProducedBody {
  private ProducedBody() {}

  /** Starts the producer; see {@link WrittenBody#start}. */
  static CompletableFuture<Void> start(ChannelHandlerContext ctx, Lanes lanes, Response response,
      ResponseBody.Written written, boolean keep, boolean linger, boolean chunkedOk, Runnable afterSent) {
    long headLength = written.length() < 0 && !chunkedOk ? -2 : written.length();
    ChannelBodyStream out = new ChannelBodyStream(ctx.channel());
    out.limit(written.length());
    AtomicBoolean headQueued = new AtomicBoolean();
    // Writes from the producer's thread reach the loop in order: head, chunks, end.
    CompletableFuture<Void> result = WrittenBody.start(lanes, written, out, () -> {
      Http1ExchangeCodec.writeHead(ctx, response, keep, chunkedOk, headLength);
      ctx.flush();
      headQueued.set(true);
    }, () -> Http1ExchangeCodec.end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, linger, afterSent));
    written.keepAlive().ifPresent(k -> keepAliveWhileQuiet(ctx, out, k, headQueued, result));
    return result;
  }

  /**
   * Sends the filler chunk whenever the producer has been quiet for its interval. It goes through
   * the loop's task queue, behind the head the producer queued, and each chunk is one message, so
   * a filler can never land before the head or inside a chunk.
   */
  private static void keepAliveWhileQuiet(ChannelHandlerContext ctx, ChannelBodyStream out,
      ResponseBody.KeepAlive keepAlive, AtomicBoolean headQueued, CompletableFuture<Void> body) {
    KeepAliveFiller.start(ctx.executor(), out, keepAlive.every(),
        () -> headQueued.get() && ctx.channel().isWritable(),
        () -> ctx.executor().execute(() ->
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(keepAlive.bytes())))),
        body);
  }
}
