package dev.lanes.internal.http1;

import dev.lanes.concurrency.Lanes;
import dev.lanes.internal.exchange.BodyNotStarted;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body written by blocking code in a lane ({@link ResponseBody.Written}). The response head is
 * sent only once the producer holds a token, so a producer its lane refuses (queue full, waited
 * too long) still lets the server answer 503 instead of a 200 cut short. A producer that never
 * runs has its source closed; one that breaks its declared length fails the body.
 */
final class ProducedBody {
  private ProducedBody() {}

  /**
   * Starts the producer; the returned future completes when the body has been handed to the
   * socket, fails with {@link BodyNotStarted} if the producer never ran, and cancelling it stops the
   * producer.
   */
  static CompletableFuture<Void> start(ChannelHandlerContext ctx, Lanes lanes, Response response,
      ResponseBody.Written written, boolean keep, boolean chunkedOk, Runnable afterSent) {
    long headLength = written.length() < 0 && !chunkedOk ? -2 : written.length();
    ChannelBodyStream out = new ChannelBodyStream(ctx.channel());
    out.limit(written.length());
    AtomicBoolean started = new AtomicBoolean();
    AtomicBoolean headQueued = new AtomicBoolean();
    CompletableFuture<Void> running;
    try {
      running = lanes.get(written.lane()).execute(() -> {
        started.set(true);
        // Writes from this thread reach the loop in order: head, chunks, end.
        Http1ExchangeCodec.writeHead(ctx, response, keep, chunkedOk, headLength);
        ctx.flush();
        headQueued.set(true);
        try {
          written.writer().writeTo(out);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new CompletionException(e);
        } finally {
          out.close();
        }
        if (written.length() >= 0 && out.written() != written.length()) {
          // A short body would leave the client waiting for bytes that never come.
          throw new CompletionException(new IOException("body writer wrote " + out.written()
              + " of its declared " + written.length() + " bytes"));
        }
        Http1ExchangeCodec.end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, afterSent);
      });
    } catch (RuntimeException e) { // an unknown lane name
      running = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> producing = running;
    CompletableFuture<Void> result = new CompletableFuture<>();
    producing.whenComplete((v, e) -> {
      if (e == null) {
        result.complete(null);
      } else if (!started.get()) {
        written.writer().abandon(); // its source is still open: close it, as the writer would have
        result.completeExceptionally(new BodyNotStarted(e)); // a lane's refusal arrives unwrapped
      } else {
        result.completeExceptionally(e);
      }
    });
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        producing.cancel(true); // the client left
      }
    });
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
    long every = keepAlive.every().toNanos();
    var timer = ctx.executor().scheduleAtFixedRate(() -> {
      if (headQueued.get() && !body.isDone() && ctx.channel().isWritable() && out.quietFor() >= every) {
        out.touch();
        ctx.executor().execute(() ->
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(keepAlive.bytes()))));
      }
    }, every, every, TimeUnit.NANOSECONDS);
    body.whenComplete((v, e) -> timer.cancel(false));
  }
}
