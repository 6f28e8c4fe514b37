package dev.lanes.internal.http2;

import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Writes an async producer's chunks as DATA frames on one stream, requesting the next chunk only
 * when the previous frame has reached the socket, which flow control delays until the client's
 * window allows: the producer never runs ahead of the client. Cancelling the returned future
 * (the stream was reset) cancels the subscription.
 */
final class PublisherBody implements Flow.Subscriber<byte[]> {
  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final Runnable afterSent;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private PublisherBody(Http2ServerConnection connection, StreamRequest stream, Runnable afterSent) {
    this.connection = connection;
    this.stream = stream;
    this.afterSent = afterSent;
  }

  static CompletableFuture<Void> subscribe(Http2ServerConnection connection, StreamRequest stream,
      Flow.Publisher<byte[]> publisher, Runnable afterSent) {
    PublisherBody body = new PublisherBody(connection, stream, afterSent);
    body.done.whenComplete((v, e) -> {
      Flow.Subscription s = body.subscription;
      if (e != null && s != null) {
        s.cancel();
      }
    });
    try {
      publisher.subscribe(body);
    } catch (RuntimeException e) {
      body.done.completeExceptionally(e);
    }
    return body.done;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (done.isDone()) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(byte[] chunk) {
    if (done.isDone()) {
      return;
    }
    ByteBuf buf = Unpooled.wrappedBuffer(chunk.clone());
    connection.context().executor().execute(() -> {
      if (done.isDone()) {
        buf.release();
        return;
      }
      ChannelPromise promise = connection.newPromise();
      promise.addListener(f -> {
        if (f.isSuccess()) {
          subscription.request(1);
        } else {
          done.completeExceptionally(f.cause());
        }
      });
      connection.writeData(stream, buf, false, promise);
      connection.flushSoon();
    });
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    // Through the loop's queue, behind the chunks already queued.
    connection.context().executor().execute(() -> {
      if (done.isDone()) {
        return;
      }
      ChannelPromise last = connection.newPromise();
      if (afterSent != null) {
        last.addListener(f -> afterSent.run());
      }
      connection.writeData(stream, Unpooled.EMPTY_BUFFER, true, last);
      connection.flushSoon();
      done.complete(null);
    });
  }
}
