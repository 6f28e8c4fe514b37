package dev.lanes.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Internal, not for users: one TLS handshake in memory against a freshly built server context,
 * before it serves anyone. Neither of Netty's engines checks that the private key belongs to the
 * certificate, so a mismatch (a renewal that wrote the new certificate but not yet its key) would
 * start, or reload, and then fail every client's handshake. The client here trusts any
 * certificate: only whether the server can prove it holds the certificate's key is checked.
 *
 * <pre>{@code KeyMaterialCheck.handshake(context); // throws SSLException naming the failure }</pre>
 */
final class KeyMaterialCheck {
  private static final int MAX_STEPS = 64;

  private KeyMaterialCheck() {}

  /** Completes a handshake between {@code server} and an in-memory client, or throws why it failed. */
  static void handshake(SslContext server) throws SSLException {
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    try {
      s.setNeedClientAuth(false); // only the server's own key is in question here
      s.setWantClientAuth(false);
      SSLEngine c = trustingClient();
      c.beginHandshake();
      s.beginHandshake();
      ByteBuffer toServer = ByteBuffer.allocate(c.getSession().getPacketBufferSize());
      ByteBuffer toClient = ByteBuffer.allocate(s.getSession().getPacketBufferSize());
      ByteBuffer appIn = ByteBuffer.allocate(Math.max(c.getSession().getApplicationBufferSize(),
          s.getSession().getApplicationBufferSize()));
      ByteBuffer none = ByteBuffer.allocate(0);
      for (int i = 0; i < MAX_STEPS && !(done(c) && done(s)); i++) {
        step(c, none, toServer, toClient, appIn);
        step(s, none, toClient, toServer, appIn);
      }
      if (!(done(c) && done(s))) {
        throw new SSLException("the test handshake did not complete");
      }
    } finally {
      ReferenceCountUtil.release(s); // an OpenSSL engine holds native memory
    }
  }

  /** One turn of {@code e}: unwrap what the peer sent ({@code in}), run tasks, wrap into {@code out}. */
  private static void step(SSLEngine e, ByteBuffer none, ByteBuffer out, ByteBuffer in, ByteBuffer appIn)
      throws SSLException {
    in.flip();
    while (in.hasRemaining()) {
      appIn.clear();
      SSLEngineResult r = e.unwrap(in, appIn);
      runTasks(e);
      if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    while (e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
      SSLEngineResult r = e.wrap(none, out);
      runTasks(e);
      if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
        break;
      }
    }
  }

  private static void runTasks(SSLEngine e) {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
  }

  private static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
    return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || h == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** A client engine that trusts any certificate (Netty's insecure trust manager: only the key is in question). */
  private static SSLEngine trustingClient() throws SSLException {
    return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build()
        .newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
  }
}
