package dev.lanes.internal.http2;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.exchange.ExchangeCodec;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one exchange's response on its HTTP/2 stream: a HEADERS frame, then DATA frames under
 * the stream's flow-control window, the last one ending the stream. In-memory bodies are queued
 * at once and flushed once per read burst; files are read in chunks on the loop (no
 * {@code FileRegion}: HTTP/2 frames every byte); bodies written by blocking code and published
 * bodies go out as they are produced, their producer held back by the stream's window. An
 * aborted response resets the stream. Called on the connection's event loop.
 */
final class Http2ExchangeCodec implements ExchangeCodec {
  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final Lanes lanes;
  private final boolean head;

  Http2ExchangeCodec(Http2ServerConnection connection, StreamRequest stream, Lanes lanes, boolean head) {
    this.connection = connection;
    this.stream = stream;
    this.lanes = lanes;
    this.head = head;
  }

  @Override
  public CompletableFuture<Void> write(Response response, Runnable afterSent) {
    int status = response.status();
    boolean hasBody = Http2ResponseHeaders.hasBody(status);
    return switch (response.body()) {
      case ResponseBody.Bytes bytes -> {
        byte[] data = bytes.data();
        var headers = Http2ResponseHeaders.of(response, hasBody ? data.length : -1);
        ChannelPromise last = connection.newPromise();
        if (head || data.length == 0 || !hasBody) {
          connection.writeHeaders(stream, headers, true, last);
        } else {
          connection.writeHeaders(stream, headers, false, connection.newPromise());
          connection.writeData(stream, Unpooled.wrappedBuffer(data), true, last);
        }
        afterLast(last, afterSent);
        yield QUEUED;
      }
      case ResponseBody.Json json -> throw new IllegalStateException(
          "JSON body not encoded: the exchange encodes it with the app's JsonCodec before writing");
      case ResponseBody.FileRange file -> {
        if (head || file.length() == 0) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, Http2ResponseHeaders.of(response, file.length()), true, last);
          afterLast(last, afterSent);
          yield QUEUED;
        }
        yield FileBody.start(connection, stream, response, file, afterSent);
      }
      case ResponseBody.Written w -> {
        if (head) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, Http2ResponseHeaders.of(response, w.length()), true, last);
          w.writer().abandon();
          afterLast(last, afterSent);
          yield QUEUED;
        }
        yield ProducedBody.start(connection, stream, lanes, response, w, afterSent);
      }
      case ResponseBody.Published published -> {
        if (head) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, Http2ResponseHeaders.of(response, -1), true, last);
          afterLast(last, afterSent);
          yield QUEUED;
        }
        connection.writeHeaders(stream, Http2ResponseHeaders.of(response, -1), false,
            connection.newPromise());
        connection.flushSoon();
        yield PublisherBody.subscribe(connection, stream, published.publisher(), afterSent);
      }
    };
  }

  private void afterLast(ChannelPromise last, Runnable afterSent) {
    if (afterSent != null) {
      last.addListener(f -> afterSent.run());
    }
    connection.flushSoon();
  }

  @Override
  public void abort(Throwable cause) {
    // Behind what a producer already queued on this loop, as HTTP/1.1 closes behind it.
    connection.context().executor().execute(() -> connection.reset(stream, Http2Error.INTERNAL_ERROR));
  }

  @Override
  public void ended() {
    connection.responseEnded(stream);
  }
}
