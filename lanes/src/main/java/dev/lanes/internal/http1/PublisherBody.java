package dev.lanes.internal.http1;

import dev.lanes.internal.exchange.PublishedBody;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An async producer's chunks as HTTP/1.1 body contents, each flushed; the demand and
 * cancellation are {@link PublishedBody}'s.
 */
final class PublisherBody implements PublishedBody.Sink {
  private final Channel channel;
  private final Runnable onComplete;

  private PublisherBody(Channel channel, Runnable onComplete) {
    this.channel = channel;
    this.onComplete = onComplete;
  }

  /** Sends {@code publisher}'s chunks; {@code onComplete} writes the body's end. */
  static CompletableFuture<Void> subscribe(Channel channel, Flow.Publisher<byte[]> publisher, Runnable onComplete) {
    return PublishedBody.subscribe(publisher, new PublisherBody(channel, onComplete));
  }

  @Override
  public void write(byte[] chunk, PublishedBody body) {
    channel.writeAndFlush(new DefaultHttpContent(channel.alloc().buffer(chunk.length).writeBytes(chunk)))
        .addListener(f -> {
          if (f.isSuccess()) {
            body.written();
          } else {
            body.failed(f.cause());
          }
        });
  }

  @Override
  public void end(PublishedBody body) {
    if (!body.isDone()) {
      onComplete.run();
      body.finished();
    }
  }
}
