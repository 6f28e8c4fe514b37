package dev.lanes.internal.tls;

import dev.lanes.observe.LanesListener;
import dev.lanes.observe.TlsHandshakeFailure;
import dev.lanes.server.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The server's TLS contexts: one per certificate (the default, and one per server name when
 * {@link Tls#serverNames()} has any), built from a {@link Tls} at start, rebuilt together by
 * {@link #reload()} (new connections get the new certificates; open ones keep the one they shook
 * hands with, since each connection holds its own engine). Thread-safe: the contexts are one
 * volatile reference.
 */
public final class TlsContexts {
  /** TLS 1.3 first, then 1.2; nothing older. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** AEAD suites with forward secrecy only (the TLS 1.3 ones and ECDHE + GCM/ChaCha20 for 1.2). */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private final Tls tls;
  private final Tls.Engine engine;
  private final long handshakeTimeoutMillis;
  private final HandshakeFailures failures;
  private volatile Contexts contexts;

  /** The default context, and the server names' mapping to theirs (null without server names). */
  private record Contexts(SslContext fallback, Mapping<String, SslContext> byName) {}

  private TlsContexts(Tls tls, Tls.Engine engine, Contexts contexts, LanesListener listener) {
    this.tls = tls;
    this.engine = engine;
    this.handshakeTimeoutMillis = millisRoundedUp(tls.handshakeTimeout());
    this.contexts = contexts;
    this.failures = new HandshakeFailures(listener);
  }

  /**
   * Resolves the engine and builds the first context.
   *
   * @throws IllegalArgumentException naming what is wrong with the key material or the engine
   */
  public static TlsContexts start(Tls tls) {
    return start(tls, LanesListener.NONE);
  }

  /** As {@link #start(Tls)}, reporting each failed handshake to {@code listener}. */
  public static TlsContexts start(Tls tls, LanesListener listener) {
    refuseClientRenegotiation();
    Tls.Engine engine = resolve(tls.engine());
    return new TlsContexts(tls, engine, buildAll(tls, engine), listener);
  }

  /**
   * The JDK accepts client-initiated TLS 1.2 renegotiation (a CPU DoS) unless told otherwise, and
   * reads the property once per JVM, at its first server handshake. So it is set first thing,
   * whatever the engine and key material: even with OpenSSL serving (BoringSSL never
   * renegotiates) the key material check runs a JDK server handshake, after which a JDK-engine
   * server in the same JVM would be too late to set it. A value set by the app is kept.
   */
  private static void refuseClientRenegotiation() {
    System.getProperties().putIfAbsent(REJECT_RENEGOTIATION, "true");
  }

  /** OPENSSL or JDK: what {@code AUTO} came to. */
  public Tls.Engine engine() {
    return engine;
  }

  /** Whether ALPN offers {@code h2}: the pipeline must then be ready to switch to HTTP/2 after the handshake. */
  public boolean http2() {
    return tls.http2();
  }

  public Duration handshakeTimeout() {
    return tls.handshakeTimeout();
  }

  /**
   * The TLS handler for one new connection, from the current contexts: an {@link SslHandler}, or
   * with server names a {@link ServerNameSelection} that puts the {@code SslHandler} for the name
   * the client asks for in its own place once the ClientHello is read. A handshake that fails,
   * in either step, is counted by its reason ({@link #handshakeFailures}) and reported to the listener.
   */
  public ChannelHandler newHandler(ByteBufAllocator alloc) {
    Contexts current = contexts;
    if (current.byName() != null) {
      return new ServerNameSelection(current.byName(), handshakeTimeoutMillis, failures);
    }
    SslHandler handler = current.fallback().newHandler(alloc);
    handler.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    handler.handshakeFuture().addListener(failures);
    return handler;
  }

  /** Failed handshakes since start, by reason (every reason present). */
  public Map<TlsHandshakeFailure, Long> handshakeFailures() {
    return failures.counts();
  }

  /**
   * The handshake timeout as Netty takes it, in whole milliseconds: a part of a millisecond
   * counts as a whole one, since Netty reads 0 as "no timeout" (a 1 ns timeout must not mean
   * none); one too long to count ({@code ChronoUnit.FOREVER}) is {@code Long.MAX_VALUE} ms,
   * which never comes, instead of an overflow in every connection's setup.
   */
  static long millisRoundedUp(Duration timeout) {
    try {
      long millis = timeout.toMillis();
      return timeout.equals(Duration.ofMillis(millis)) ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Reads the key material again, every server name's too, and uses it for new connections; if
   * any of it cannot be used, all the current material stays and this throws.
   */
  public void reload() {
    contexts = buildAll(tls, engine);
  }

  private static Tls.Engine resolve(Tls.Engine wanted) {
    return switch (wanted) {
      case JDK -> Tls.Engine.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalArgumentException("TLS engine OPENSSL asked for, but netty-tcnative is not usable: "
              + OpenSsl.unavailabilityCause());
        }
        yield Tls.Engine.OPENSSL;
      }
      case AUTO -> OpenSsl.isAvailable() ? Tls.Engine.OPENSSL : Tls.Engine.JDK;
    };
  }

  private static Contexts buildAll(Tls tls, Tls.Engine engine) {
    SslContext fallback = build(tls, tls.source(), engine, "");
    if (tls.serverNames().isEmpty()) {
      return new Contexts(fallback, null);
    }
    // Netty's wildcard mapping: an exact name first, then "*." and the name less its first label;
    // no name, or one nothing matches, gets the default.
    DomainWildcardMappingBuilder<SslContext> byName = new DomainWildcardMappingBuilder<>(fallback);
    for (Map.Entry<String, Tls.Source> name : tls.serverNames().entrySet()) {
      byName.add(name.getKey(), build(tls, name.getValue(), engine, " for server name " + name.getKey()));
    }
    return new Contexts(fallback, byName.build());
  }

  /** The context for one certificate, {@code source}, with the listener's settings from {@code tls}. */
  private static SslContext build(Tls tls, Tls.Source source, Tls.Engine engine, String forName) {
    try {
      SslContextBuilder b = switch (source) {
        case Tls.Source.Pem pem -> {
          try (InputStream chain = Files.newInputStream(pem.certificateChain());
              InputStream key = Files.newInputStream(pem.privateKey())) {
            yield SslContextBuilder.forServer(chain, key);
          }
        }
        case Tls.Source.KeyStoreFile store -> {
          char[] password = store.password().toCharArray();
          KeyStore ks = KeyStore.getInstance(store.file().toFile(), password);
          KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(ks, password);
          yield SslContextBuilder.forServer(kmf);
        }
        case Tls.Source.SelfSigned self -> {
          SelfSignedCertificate cert = SelfSignedCertificate.generate(self.host(), self.validity());
          yield SslContextBuilder.forServer(cert.privateKey(), cert.certificate());
        }
      };
      b.sslProvider(engine == Tls.Engine.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(AlpnProtocols.config(tls.http2()));
      if (tls.clientAuth() != Tls.ClientAuth.NONE) {
        byte[] trusted = Files.readAllBytes(tls.trustedClientCertificates().orElseThrow());
        b.trustManager(new ByteArrayInputStream(trusted))
            .clientAuth(tls.clientAuth() == Tls.ClientAuth.REQUIRED ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
      }
      SslContext context = b.build();
      if (!(source instanceof Tls.Source.SelfSigned)) {
        // A key that is not the certificate's fails here, not per client. The test handshake runs
        // on the JDK's engine, built from the same (already parsed) material, whichever serves.
        KeyMaterialCheck.handshake(engine == Tls.Engine.JDK ? context : b.sslProvider(SslProvider.JDK).build());
      }
      return context;
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS key material " + source + forName + " of " + tls + ": "
          + message(e), e);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the TLS key material " + source + forName + " of " + tls + ": "
          + message(e), e);
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
