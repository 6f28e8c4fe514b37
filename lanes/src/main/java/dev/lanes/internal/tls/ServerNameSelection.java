package dev.lanes.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Netty's {@link SniHandler} as one connection's TLS handler on a listener with server names:
 * reads the ClientHello's server name (RFC 6066 section 3), takes that name's context from the
 * mapping (the default for no name or an unknown one) and puts its {@link SslHandler} in its own
 * place, under its own name, so the pipeline looks as it does with one certificate. The
 * handshake timeout counts from accept, for both steps together: the {@code SslHandler} gets what
 * is left of it, not a second full timeout after a slow ClientHello.
 *
 * <pre>{@code pipeline.addLast("tls", new ServerNameSelection(mapping, 10_000, failures)); }</pre>
 */
final class ServerNameSelection extends SniHandler {
  /**
   * The longest ClientHello read: the JDK's own limit on a handshake message
   * ({@code jdk.tls.maxHandshakeMessageSize}). Netty sizes its buffer by the length the
   * ClientHello claims, so without a limit a 9-byte record claiming 16 MiB would allocate that.
   */
  static final int MAX_CLIENT_HELLO = 32 * 1024;

  private final long acceptedAt = System.nanoTime();
  private final HandshakeFailures failures;
  // Set once the handshake's outcome belongs to the SslHandler, or this step's failure was counted.
  private boolean accounted;

  ServerNameSelection(Mapping<String, SslContext> byName, long handshakeTimeoutMillis, HandshakeFailures failures) {
    super(byName, MAX_CLIENT_HELLO, handshakeTimeoutMillis);
    this.failures = failures;
  }

  /**
   * The name less a trailing dot: RFC 6066 section 3 sends the name without one, but a client
   * that copies {@code https://api.example.com./} into SNI means {@code api.example.com}, as
   * browsers and nginx take it (the mapping, like {@code Tls.serverName}, holds names without the
   * dot, so without this it would get the default certificate).
   */
  @Override
  protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
    boolean dotted = hostname != null && hostname.length() > 1 && hostname.endsWith(".");
    return super.lookup(ctx, dotted ? hostname.substring(0, hostname.length() - 1) : hostname);
  }

  @Override
  protected SslHandler newSslHandler(SslContext context, ByteBufAllocator alloc) {
    SslHandler handler = context.newHandler(alloc);
    handler.setHandshakeTimeoutMillis(remainingMillis());
    handler.handshakeFuture().addListener(failures);
    accounted = true;
    return handler;
  }

  // A handshake that fails before the SslHandler exists (a ClientHello too long or too slow, a
  // client that leaves first) is counted here, once, as the SslHandler counts the later ones.
  // A read that fails (a reset) is the client leaving: CLOSED, as the SslHandler counts it.
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    boolean left = cause instanceof IOException && !(cause instanceof SSLException);
    failedBeforeHandshake(left ? new ClosedChannelException().initCause(cause) : cause);
    super.exceptionCaught(ctx, cause);
  }

  // Netty's timeout for this step fires its event past this handler, then closes: a close once
  // the timeout has run out is that timeout.
  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    boolean timedOut = handshakeTimeoutMillis != Long.MAX_VALUE
        && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAt) >= handshakeTimeoutMillis;
    failedBeforeHandshake(timedOut ? new SslHandshakeTimeoutException("no ClientHello within "
        + handshakeTimeoutMillis + " ms") : new ClosedChannelException());
    super.channelInactive(ctx);
  }

  private void failedBeforeHandshake(Throwable cause) {
    if (!accounted) {
      accounted = true;
      failures.failed(cause);
    }
  }

  /** What is left of the handshake timeout, at least 1 ms (0 would be none); "forever" stays forever. */
  long remainingMillis() {
    if (handshakeTimeoutMillis == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAt);
    return Math.max(1, handshakeTimeoutMillis - spent);
  }

  /** As Netty's, but the {@code SslHandler} keeps this handler's name ({@code "tls"}). */
  @Override
  protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context) {
    SslHandler handler = newSslHandler(context, ctx.alloc());
    try {
      ctx.pipeline().replace(this, ctx.name(), handler);
    } catch (RuntimeException | Error e) {
      ReferenceCountUtil.safeRelease(handler.engine()); // not in the pipeline: its engine is still ours
      throw e;
    }
  }
}
