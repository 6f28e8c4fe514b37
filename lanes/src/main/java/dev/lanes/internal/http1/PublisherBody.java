package dev.lanes.internal.http1;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Writes an async producer's chunks, requesting the next one only when the previous write has
 * reached the socket: the producer can never run ahead of a slow client. Cancelling the returned
 * future (the client left) cancels the subscription.
 */
final class PublisherBody implements Flow.Subscriber<byte[]> {
  private final Channel channel;
  private final Runnable onComplete;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private PublisherBody(Channel channel, Runnable onComplete) {
    this.channel = channel;
    this.onComplete = onComplete;
  }

  static CompletableFuture<Void> subscribe(Channel channel, Flow.Publisher<byte[]> publisher, Runnable onComplete) {
    PublisherBody body = new PublisherBody(channel, onComplete);
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
    channel.writeAndFlush(new DefaultHttpContent(channel.alloc().buffer(chunk.length).writeBytes(chunk)))
        .addListener(f -> {
          if (f.isSuccess()) {
            subscription.request(1);
          } else {
            done.completeExceptionally(f.cause());
          }
        });
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    if (!done.isDone()) {
      onComplete.run();
      done.complete(null);
    }
  }
}
