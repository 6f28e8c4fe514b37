package dev.lanes.internal.http1;

import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.http2.Http2Pipeline;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.server.Transport;
import dev.lanes.internal.tls.TlsContexts;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline of every accepted connection: TLS (on the TLS listener; with server names, Netty's
 * SNI handler first, which puts the named certificate's {@code SslHandler} in its place), the {@link ResponseEncoder},
 * the {@link RequestDecoder} (with the read timers, the chunk-size line check and strict
 * validation), body aggregation (added by the decoder at the first request with a body), response
 * compression (when configured), then the
 * {@link Http1Connection} that serves its exchanges. Connections past {@code maxConnections} get a 503 instead (a GOAWAY if they chose
 * {@code h2}). On the TLS listener, when ALPN offers {@code h2}, {@link AlpnPipeline} replaces the
 * HTTP/1.1 handlers with an HTTP/2 connection if the handshake chose it. With {@code h2c} on, a
 * cleartext connection that opens with the HTTP/2 preface, or whose first request asks
 * {@code Upgrade: h2c}, continues as HTTP/2 ({@link Http2Pipeline}); never a TLS one.
 */
public final class ConnectionSetup extends ChannelInitializer<Channel> {
  /** The body aggregator's name: the decoder adds it at the connection's first request with a body. */
  static final String AGGREGATE = "aggregate";
  /** The HTTP/1.1 handlers, in pipeline order: what an h2c switch removes. */
  private static final List<String> HTTP1 =
      List.of("encoder", "decoder", AGGREGATE, "compress", "h2c-upgrade", "dispatch");
  /**
   * The HTTP/1 handlers that leave when the connection becomes a WebSocket, besides the decoder
   * and encoder, which Netty's handshake replaces with the frame codec.
   */
  static final List<String> HTTP_HANDLERS = List.of(AGGREGATE);

  private final CompiledApp app;
  private final ServerConfig config;
  private final Admission state;
  private final ChannelGroup connections;
  private final Optional<TlsContexts> tls;
  private final Transport transport;
  // Shared by every connection: Netty's decoder copies the settings, and the listener holds no state.
  private final HttpDecoderConfig decoder;
  private final ChannelFutureListener closed;

  /** Connections of one listener: cleartext if {@code tls} is empty. */
  public ConnectionSetup(CompiledApp app, ServerConfig config, Admission state, ChannelGroup connections,
      Optional<TlsContexts> tls, Transport transport) {
    this.app = app;
    this.config = config;
    this.state = state;
    this.connections = connections;
    this.tls = tls;
    this.transport = transport;
    this.decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(config.maxInitialLineLength())
        .setMaxHeaderSize(config.maxHeaderSize())
        .setMaxChunkSize(64 * 1024)
        // Strict framing: no duplicate Content-Length, bare CR/LF rejected, RFC 9112 rules
        // for Transfer-Encoding; RequestValidator adds what the decoder leaves to servers.
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
    this.closed = f -> state.connectionClosed();
  }

  @Override
  protected void initChannel(Channel ch) {
    transport.prepare(ch);
    // The certificate is taken per connection, so a reload reaches new connections only.
    tls.ifPresent(t -> ch.pipeline().addLast("tls", t.newHandler(ch.alloc())));
    if (!state.tryOpenConnection()) {
      ch.pipeline().addLast("refuse", new Refusal(tls.isPresent()));
      return;
    }
    ch.closeFuture().addListener(closed);
    connections.add(ch);
    ConnectionTimeouts timeouts = new ConnectionTimeouts(config.requestHeadTimeout(),
        config.bodyReadTimeout(), config.keepAliveTimeout(), config.minRequestBodyRate(), state,
        config.sendTimeout());
    ChunkLineCheck chunkLines = new ChunkLineCheck(config.maxInitialLineLength());
    boolean h2c = config.h2c() && tls.isEmpty();
    if (tls.isPresent() && tls.get().http2()) {
      ch.pipeline().addLast("alpn", new AlpnPipeline(app, config, state, HTTP1));
    }
    if (h2c) {
      ch.pipeline().addLast("h2c-preface", Http2Pipeline.priorKnowledge(app, config, state, HTTP1));
    }
    // Few handlers, so each request crosses few pipeline hops: the checks run inside the decoder
    // and encoder; a request without a body leaves the decoder whole, and the body aggregator
    // joins only when a body comes; the compressor handles responses only (the connection tells
    // it of each request).
    ResponseEncoder.Methods methods = new ResponseEncoder.Methods();
    Http1Connection connection = new Http1Connection(app, state, timeouts, tls.isPresent());
    // The encoder goes in front of the decoder: Netty's WebSocket handshake puts the frame
    // encoder in front of the HTTP encoder and the frame decoder in the HTTP decoder's place, and
    // the frame decoder's own writes (a close for a frame too large) must pass the frame encoder.
    ch.pipeline()
        .addLast("encoder", new ResponseEncoder(timeouts, methods))
        .addLast("decoder", new RequestDecoder(decoder, timeouts, chunkLines,
            new RequestValidator(config.maxBodySize(), config.maxHeaderCount()), methods, config.maxBodySize(),
            connection::answeredFromHead, connection::streamedLimit));
    if (config.compression().enabled()) {
      ch.pipeline().addLast("compress", new ResponseCompressor(config.compression()));
    }
    if (h2c) {
      ch.pipeline().addLast("h2c-upgrade", Http2Pipeline.upgrade(app, config, state, HTTP1));
    }
    ch.pipeline().addLast("dispatch", connection);
  }

  /**
   * Past {@code maxConnections}: one fixed 503 and a close, before reading anything; over TLS once
   * the handshake is done, as a GOAWAY if ALPN chose {@code h2}.
   */
  private static final class Refusal extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ConnectionSetup.class.getName());
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
        + "Connection: close\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private final boolean tls;

    Refusal(boolean tls) {
      this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!tls) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (!(evt instanceof SslHandshakeCompletionEvent done)) {
        ctx.fireUserEventTriggered(evt);
      } else if (!done.isSuccess()) {
        ctx.close();
      } else if (ApplicationProtocolNames.HTTP_2.equals(ctx.pipeline().get(SslHandler.class).applicationProtocol())) {
        Http2Pipeline.refuse(ctx);
      } else {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    /**
     * A failed handshake (plaintext on the TLS port, an old protocol, an untrusted client
     * certificate) is the peer's doing: DEBUG, as on an admitted connection, not Netty's WARN with
     * a stack trace at the pipeline's tail for each one a scanner sends.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(System.Logger.Level.DEBUG, () -> "refused connection " + ctx.channel().remoteAddress() + " failed", cause);
      ctx.close();
    }
  }
}
