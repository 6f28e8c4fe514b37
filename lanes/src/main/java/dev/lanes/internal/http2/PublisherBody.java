package dev.lanes.internal.http2;

import dev.lanes.internal.exchange.PublishedBody;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An async producer's chunks as DATA frames on one stream, written on the connection's loop; the
 * next chunk is asked for when the frame reached the socket, which flow control delays until the
 * client's window allows. The demand and cancellation (a reset stream) are {@link PublishedBody}'s.
 */
final class PublisherBody implements PublishedBody.Sink {
  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final Runnable afterSent;

  private PublisherBody(Http2ServerConnection connection, StreamRequest stream, Runnable afterSent) {
    this.connection = connection;
    this.stream = stream;
    this.afterSent = afterSent;
  }

  static CompletableFuture<Void> subscribe(Http2ServerConnection connection, StreamRequest stream,
      Flow.Publisher<byte[]> publisher, Runnable afterSent) {
    return PublishedBody.subscribe(publisher, new PublisherBody(connection, stream, afterSent));
  }

  @Override
  public void write(byte[] chunk, PublishedBody body) {
    ByteBuf buf = Unpooled.wrappedBuffer(chunk.clone());
    connection.context().executor().execute(() -> {
      if (body.isDone()) {
        buf.release();
        return;
      }
      ChannelPromise promise = connection.newPromise();
      promise.addListener(f -> {
        if (f.isSuccess()) {
          body.written();
        } else {
          body.failed(f.cause());
        }
      });
      connection.writeData(stream, buf, false, promise);
      connection.flushSoon();
    });
  }

  @Override
  public void end(PublishedBody body) {
    // Through the loop's queue, behind the chunks already queued.
    connection.context().executor().execute(() -> {
      if (body.isDone()) {
        return;
      }
      ChannelPromise last = connection.newPromise();
      if (afterSent != null) {
        last.addListener(f -> afterSent.run());
      }
      connection.writeData(stream, Unpooled.EMPTY_BUFFER, true, last);
      connection.flushSoon();
      body.finished();
    });
  }
}
