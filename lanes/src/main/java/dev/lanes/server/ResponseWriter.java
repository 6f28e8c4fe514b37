package dev.lanes.server;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a {@link Response} into Netty messages. Called on the connection's event loop; a body
 * produced by blocking code is handed to its lane and written from there.
 */
final class ResponseWriter {
  // Response headers were validated when the Response was built; do not pay for it twice.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
  /** What {@link #write} returns when everything was written (queued) on the loop already. */
  static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Lanes lanes;

  ResponseWriter(Lanes lanes) {
    this.lanes = lanes;
  }

  /**
   * Writes {@code response}, whose JSON body, if any, the dispatcher has encoded already (it
   * needs the length first, and the app to map a failure). In-memory bodies are written without a
   * flush (the dispatcher flushes once per read burst) and return a completed future; produced
   * bodies return a future that completes when the producer is done, and cancelling it stops the
   * producer.
   *
   * @param keepAlive whether the connection stays open afterwards
   * @param chunkedOk whether the client speaks chunked encoding (not HTTP/1.0)
   * @param afterSent run once the last byte is written (background tasks), or null
   */
  CompletableFuture<Void> write(ChannelHandlerContext ctx, Response response, boolean keepAlive,
      boolean head, boolean chunkedOk, Runnable afterSent) {
    return switch (response.body()) {
      case ResponseBody.Bytes bytes -> {
        byte[] data = bytes.data();
        ByteBuf content = head || data.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data);
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()), content, HEADERS, TRAILERS);
        HttpHeaders h = res.headers();
        copyHeaders(response, h, keepAlive, chunkedOk);
        if (hasBody(response.status())) {
          h.setInt(HttpHeaderNames.CONTENT_LENGTH, data.length);
        }
        end(ctx.write(res), keepAlive, afterSent);
        yield DONE;
      }
      case ResponseBody.Json json -> throw new IllegalStateException(
          "JSON body not encoded: the dispatcher encodes it with the app's JsonCodec before writing");
      case ResponseBody.FileRange file -> {
        writeHead(ctx, response, keepAlive, chunkedOk, file.length());
        if (!head && file.length() > 0) {
          ctx.write(new DefaultFileRegion(file.path().toFile(), file.offset(), file.length()));
        }
        end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, afterSent);
        yield DONE;
      }
      case ResponseBody.Written written -> {
        boolean keep = keepAlive && (chunkedOk || written.length() >= 0);
        if (head) {
          writeHead(ctx, response, keep, chunkedOk, written.length() < 0 && !chunkedOk ? -2 : written.length());
          written.writer().abandon();
          end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, afterSent);
          yield DONE;
        }
        yield ProducedBody.start(ctx, lanes, response, written, keep, chunkedOk, afterSent);
      }
      case ResponseBody.Published published -> {
        boolean keep = keepAlive && chunkedOk;
        writeHead(ctx, response, keep, chunkedOk, chunkedOk ? -1 : -2);
        if (head) {
          end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, afterSent);
          yield DONE;
        }
        ctx.flush();
        yield PublisherBody.subscribe(ctx.channel(), published.publisher(),
            () -> end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, afterSent));
      }
    };
  }

  /** Head of a response whose body follows; length -1 means chunked, -2 means close-delimited. */
  static void writeHead(ChannelHandlerContext ctx, Response response, boolean keepAlive,
      boolean http11, long length) {
    var res = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), HEADERS);
    HttpHeaders h = res.headers();
    copyHeaders(response, h, keepAlive, http11);
    if (length >= 0) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (length == -1) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    ctx.write(res);
  }

  static void end(ChannelFuture lastWrite, boolean keepAlive, Runnable afterSent) {
    if (afterSent != null) {
      lastWrite.addListener(f -> afterSent.run());
    }
    if (!keepAlive) {
      // Close only once the bytes are out: closing with writes pending would drop them.
      lastWrite.addListener(ChannelFutureListener.CLOSE);
    } else {
      // A response that failed to go out would shift every later one on this connection.
      lastWrite.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  /** {@code http11} false means an HTTP/1.0 client, which needs keep-alive said explicitly. */
  static void copyHeaders(Response response, HttpHeaders h, boolean keepAlive, boolean http11) {
    response.contentType().ifPresent(ct -> h.set(HttpHeaderNames.CONTENT_TYPE, ct));
    for (Map.Entry<String, String> e : response.headers()) {
      h.add(e.getKey(), e.getValue());
    }
    h.set(HttpHeaderNames.DATE, DateHeader.now());
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!http11) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  static boolean hasBody(int status) {
    return status >= 200 && status != 204 && status != 304;
  }
}
