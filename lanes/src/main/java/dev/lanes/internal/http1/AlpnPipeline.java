package dev.lanes.internal.http1;

import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.http2.Http2Pipeline;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.io.IOException;
import java.util.List;

/**
 * Right behind TLS on a listener that offers {@code h2}: once the handshake is done, keeps the
 * HTTP/1.1 handlers (ALPN {@code http/1.1}, or no ALPN at all) or replaces them with an HTTP/2
 * connection (ALPN {@code h2}), then leaves the pipeline. The HTTP/1.1 handlers are built at
 * accept, like on the cleartext port, so the request-head timeout counts from accept; bytes read
 * before the handshake ends are held by Netty's handler and reach whichever protocol won.
 */
final class AlpnPipeline extends ApplicationProtocolNegotiationHandler {
  private static final System.Logger LOG = System.getLogger(AlpnPipeline.class.getName());
  private final CompiledApp app;
  private final ServerConfig config;
  private final Admission admission;
  private final List<String> http1Handlers;

  AlpnPipeline(CompiledApp app, ServerConfig config, Admission admission, List<String> http1Handlers) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.app = app;
    this.config = config;
    this.admission = admission;
    this.http1Handlers = http1Handlers;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    switch (protocol) {
      case ApplicationProtocolNames.HTTP_1_1 -> { } // already in place
      case ApplicationProtocolNames.HTTP_2 -> {
        Http2Pipeline.removeHttp1(ctx.pipeline(), http1Handlers);
        Http2Pipeline.configure(ctx.pipeline(), app, config, admission);
      }
      // Only what AlpnProtocols offers can be chosen; anything else is a bug, and closes.
      default -> throw new IllegalStateException("ALPN chose a protocol the server did not offer: " + protocol);
    }
  }

  /**
   * Until the handshake is done only the TLS handler in front of this one decodes, so a decoder
   * failure is the client's: a failed handshake, logged as one. Netty's handler does so only for
   * one wrapping an {@code SSLException}; the rest, such as a ClientHello longer than the SNI
   * handler reads, it logs as a WARN. A read that fails (a client that resets mid-handshake,
   * as health checks do) is the client leaving: the same DEBUG, not Netty's WARN that "failed to
   * select the application-level protocol".
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof DecoderException) {
      handshakeFailure(ctx, cause.getCause() == null ? cause : cause.getCause());
    } else if (cause instanceof IOException) {
      handshakeFailure(ctx, cause);
    } else {
      super.exceptionCaught(ctx, cause);
    }
  }

  /** A failed handshake is the client's business (a scanner, a distrusted certificate): DEBUG, as without ALPN. */
  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + ctx.channel().remoteAddress() + " failed", cause);
    ctx.close();
  }
}
