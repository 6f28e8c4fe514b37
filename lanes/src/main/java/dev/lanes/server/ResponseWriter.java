package dev.lanes.server;

import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Turns a {@link Response} into Netty messages on the connection's event loop. */
final class ResponseWriter {
  // Response headers were validated when the Response was built; do not pay for it twice.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  private ResponseWriter() {}

  /** Writes without flushing; the caller flushes once per read burst. */
  static ChannelFuture write(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean head) {
    return switch (response.body()) {
      case ResponseBody.Bytes bytes -> {
        byte[] data = bytes.data();
        ByteBuf content = head || data.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data);
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()), content, HEADERS, TRAILERS);
        HttpHeaders h = res.headers();
        copyHeaders(response, h, keepAlive);
        if (hasBody(response.status())) {
          h.set(HttpHeaderNames.CONTENT_LENGTH, data.length);
        }
        yield ctx.write(res);
      }
    };
  }

  static void copyHeaders(Response response, HttpHeaders h, boolean keepAlive) {
    response.contentType().ifPresent(ct -> h.set(HttpHeaderNames.CONTENT_TYPE, ct));
    for (Map.Entry<String, String> e : response.headers()) {
      h.add(e.getKey(), e.getValue());
    }
    h.set(HttpHeaderNames.DATE, DateHeader.now());
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  static boolean hasBody(int status) {
    return status >= 200 && status != 204 && status != 304;
  }
}
