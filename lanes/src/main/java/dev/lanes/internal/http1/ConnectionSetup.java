package dev.lanes.internal.http1;

import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.http2.Http2Pipeline;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The pipeline of every accepted connection: read timeouts, HTTP/1.x codec (with a check of
 * chunk-size lines around it), strict validation, body aggregation, then the
 * {@link Http1Connection} that serves its exchanges. Connections past {@code maxConnections} get
 * a 503 instead. With {@code h2c} on, a connection that opens with the HTTP/2 preface, or whose
 * first request asks {@code Upgrade: h2c}, continues as HTTP/2 ({@link Http2Pipeline}).
 */
public final class ConnectionSetup extends ChannelInitializer<Channel> {
  /** The HTTP/1.1 handlers, in pipeline order: what an h2c switch removes. */
  private static final List<String> HTTP1 = List.of("read-timeouts", "chunk-lines", "http", "chunk-heads",
      "timeouts", "validate", "aggregate", "h2c-upgrade", "dispatch");

  private final CompiledApp app;
  private final ServerConfig config;
  private final Admission state;
  private final ChannelGroup connections;

  public ConnectionSetup(CompiledApp app, ServerConfig config, Admission state, ChannelGroup connections) {
    this.app = app;
    this.config = config;
    this.state = state;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (!state.tryOpenConnection()) {
      ch.pipeline().addLast("refuse", new Refusal());
      return;
    }
    ch.closeFuture().addListener(f -> state.connectionClosed());
    connections.add(ch);
    ConnectionTimeouts timeouts = new ConnectionTimeouts(config.requestHeadTimeout(),
        config.bodyReadTimeout(), config.keepAliveTimeout(), config.minRequestBodyRate(), state);
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(config.maxInitialLineLength())
        .setMaxHeaderSize(config.maxHeaderSize())
        .setMaxChunkSize(64 * 1024)
        // Strict framing: no duplicate Content-Length, bare CR/LF rejected, RFC 9112 rules
        // for Transfer-Encoding; RequestValidator adds what the decoder leaves to servers.
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
    ChunkLineCheck chunkLines = new ChunkLineCheck(config.maxInitialLineLength());
    if (config.h2c()) {
      ch.pipeline().addLast("h2c-preface", Http2Pipeline.priorKnowledge(app, config, state, HTTP1));
    }
    ch.pipeline()
        .addLast("read-timeouts", timeouts.bytes())
        .addLast("chunk-lines", chunkLines.bytes())
        .addLast("http", new HttpServerCodec(decoder))
        .addLast("chunk-heads", chunkLines.heads())
        .addLast("timeouts", timeouts.messages())
        .addLast("validate", new RequestValidator(config.maxBodySize(), config.maxHeaderCount()))
        .addLast("aggregate", new BodyAggregator(config.maxBodySize()));
    if (config.h2c()) {
      ch.pipeline().addLast("h2c-upgrade", Http2Pipeline.upgrade(app, config, state, HTTP1));
    }
    ch.pipeline().addLast("dispatch", new Http1Connection(app, state));
  }

  /** Past {@code maxConnections}: one fixed 503 and a close, before reading anything. */
  private static final class Refusal extends ChannelInboundHandlerAdapter {
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
        + "Connection: close\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
