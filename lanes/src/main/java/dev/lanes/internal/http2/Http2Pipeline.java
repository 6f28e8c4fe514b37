package dev.lanes.internal.http2;

import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.List;

/**
 * Where HTTP/2 enters a connection's pipeline. Three ways in:
 * <ul>
 *   <li>{@link #configure}: the connection speaks HTTP/2 from its first byte — after TLS
 *       negotiated {@code h2} by ALPN (the ALPN handler's {@code configurePipeline(ctx, "h2")}
 *       calls it once {@link #removeHttp1} has taken the HTTP/1.1 handlers out);</li>
 *   <li>{@link #priorKnowledge}: first in a cleartext pipeline, it turns the connection into
 *       HTTP/2 when it opens with the HTTP/2 connection preface (h2c by prior knowledge) and
 *       steps aside at the first byte that differs;</li>
 *   <li>{@link #upgrade}: right in front of the HTTP/1.1 dispatcher, it answers a first request
 *       carrying {@code Upgrade: h2c} with 101 and serves that request as stream 1.</li>
 * </ul>
 * The two cleartext ones replace the HTTP/1.1 handlers they are given by name. A connection
 * refused at accept ({@code maxConnections}) that chose {@code h2} gets {@link #refuse} instead.
 *
 * <pre>{@code Http2Pipeline.configure(ctx.pipeline(), app, config, admission); // ALPN chose "h2"}</pre>
 */
public final class Http2Pipeline {
  /** The name of the HTTP/2 connection handler in the pipeline. */
  public static final String HANDLER = "h2";

  private Http2Pipeline() {}

  /** Adds the HTTP/2 connection handler last: the channel speaks HTTP/2 from now on. */
  public static void configure(ChannelPipeline pipeline, CompiledApp app, ServerConfig config, Admission admission) {
    pipeline.addLast(HANDLER, Http2ServerConnection.create(app, config, admission));
  }

  /**
   * Refuses a connection that negotiated {@code h2}: the server's SETTINGS (its preface), then
   * GOAWAY with last stream 0 and {@code REFUSED_STREAM} (no stream was processed: the client may
   * retry elsewhere or later), then close. HTTP/2's counterpart of HTTP/1.1's 503.
   */
  public static void refuse(ChannelHandlerContext ctx) {
    Http2FrameWriter writer = new DefaultHttp2FrameWriter();
    writer.writeSettings(ctx, new Http2Settings(), ctx.voidPromise());
    ByteBuf why = ByteBufUtil.writeAscii(ctx.alloc(), "too many connections");
    writer.writeGoAway(ctx, 0, Http2Error.REFUSED_STREAM.code(), why, ctx.newPromise())
        .addListener(ChannelFutureListener.CLOSE);
    ctx.flush();
  }

  /** h2c by prior knowledge; goes first in the pipeline, in front of {@code http1Handlers}. */
  public static ChannelHandler priorKnowledge(CompiledApp app, ServerConfig config, Admission admission,
      List<String> http1Handlers) {
    return new H2cPriorKnowledge(() -> Http2ServerConnection.create(app, config, admission), http1Handlers);
  }

  /** h2c by {@code Upgrade}; goes right in front of the HTTP/1.1 dispatcher, one of {@code http1Handlers}. */
  public static ChannelHandler upgrade(CompiledApp app, ServerConfig config, Admission admission,
      List<String> http1Handlers) {
    return new H2cUpgrade(() -> Http2ServerConnection.create(app, config, admission), http1Handlers);
  }

  /** Removes the HTTP/1.1 handlers still in {@code pipeline}, the ones behind the codec first. */
  public static void removeHttp1(ChannelPipeline pipeline, List<String> http1Handlers) {
    for (int i = http1Handlers.size() - 1; i >= 0; i--) {
      if (pipeline.get(http1Handlers.get(i)) != null) {
        pipeline.remove(http1Handlers.get(i));
      }
    }
  }
}
