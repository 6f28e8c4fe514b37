package dev.lanes.server;

import java.net.IDN;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the server's TLS listener gets its certificate and what it negotiates: TLS 1.3 and 1.2
 * only, AEAD cipher suites only, client-initiated renegotiation refused, HTTP/2 or HTTP/1.1 by
 * ALPN. OpenSSL (BoringSSL from
 * {@code netty-tcnative-boringssl-static}) is used when it is on the class path, else the JDK's
 * engine. Immutable; the {@code with}-style methods return copies. The certificate can be
 * replaced on a running server with {@link Server#reloadTls()}. One listener can serve several
 * names, each with its own certificate, chosen by the name the client sends (SNI): see
 * {@link #serverName}.
 *
 * <pre>{@code
 * ServerConfig.builder().tls(Tls.pem(Path.of("cert.pem"), Path.of("key.pem"))).tlsPort(8443).build();
 * }</pre>
 */
public final class Tls {
  /** The TLS implementation. */
  public enum Engine {
    /** OpenSSL when {@code netty-tcnative} is on the class path, else the JDK's. */
    AUTO,
    /** OpenSSL through {@code netty-tcnative}; the server fails to start without it. */
    OPENSSL,
    /** The JDK's {@code SSLEngine}. */
    JDK
  }

  /** Whether clients present certificates. */
  public enum ClientAuth {
    /** Clients are not asked for a certificate. */
    NONE,
    /** Clients are asked; one that sends none is still served, one that sends an untrusted one is refused. */
    OPTIONAL,
    /** Clients without a trusted certificate fail the handshake. */
    REQUIRED
  }

  /** Where the server's key and certificate chain come from. */
  public sealed interface Source {
    /**
     * PEM files, read when the server starts and on every reload.
     *
     * @param certificateChain the server certificate first, then intermediates
     * @param privateKey an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY})
     */
    record Pem(Path certificateChain, Path privateKey) implements Source {
      public Pem {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
      }
    }

    /**
     * A PKCS#12 or JKS key store holding one key entry, read at start and on every reload.
     *
     * @param file the key store
     * @param password its password, also the key's
     */
    record KeyStoreFile(Path file, String password) implements Source {
      public KeyStoreFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
      }

      @Override
      public String toString() {
        return "KeyStoreFile[" + file + "]"; // never the password
      }
    }

    /**
     * A certificate made at start (EC P-256), for demos and tests; a reload makes a new one.
     *
     * @param host the name in the certificate: a DNS name, or an IP address when it is an IPv4 or
     *     IPv6 literal (parsed, never looked up: {@code cafe} is a name); {@code localhost} also
     *     covers 127.0.0.1 and ::1
     * @param validity how long it is valid (at most 398 days)
     */
    record SelfSigned(String host, Duration validity) implements Source {
      public SelfSigned {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
          throw new IllegalArgumentException("host must not be blank");
        }
        if (!validity.isPositive() || validity.compareTo(Duration.ofDays(398)) > 0) {
          throw new IllegalArgumentException("validity must be positive and at most 398 days: " + validity);
        }
      }
    }
  }

  /** A DNS name, or {@code *.} and one: letters, digits and hyphens in dot-separated labels. */
  private static final Pattern SERVER_NAME =
      Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

  private final Source source;
  private final Map<String, Source> serverNames;
  private final Duration handshakeTimeout;
  private final Engine engine;
  private final ClientAuth clientAuth;
  private final Optional<Path> trustedClientCertificates;
  private final boolean http2;

  private Tls(Source source, Map<String, Source> serverNames, Duration handshakeTimeout, Engine engine,
      ClientAuth clientAuth, Optional<Path> trustedClientCertificates, boolean http2) {
    this.source = Objects.requireNonNull(source, "source");
    this.serverNames = serverNames;
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
    this.trustedClientCertificates = trustedClientCertificates;
    this.http2 = http2;
    if (!handshakeTimeout.isPositive()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    if (clientAuth != ClientAuth.NONE && trustedClientCertificates.isEmpty()) {
      throw new IllegalArgumentException("client certificates need a file of trusted certificates");
    }
  }

  /** Certificate chain and PKCS#8 private key from PEM files. */
  public static Tls pem(Path certificateChain, Path privateKey) {
    return of(new Source.Pem(certificateChain, privateKey));
  }

  /** Key and certificate from a PKCS#12 or JKS key store (the key's password is the store's). */
  public static Tls keyStore(Path file, String password) {
    return of(new Source.KeyStoreFile(file, password));
  }

  /** A self-signed certificate for {@code host}, made at start and valid for 90 days (as Let's Encrypt's); for demos and tests. */
  public static Tls selfSigned(String host) {
    return of(new Source.SelfSigned(host, Duration.ofDays(90)));
  }

  /** TLS from any {@link Source}, with the defaults for everything else. */
  public static Tls of(Source source) {
    return new Tls(source, Map.of(), Duration.ofSeconds(10), Engine.AUTO, ClientAuth.NONE, Optional.empty(), true);
  }

  /**
   * This TLS with a handshake timeout (default 10 s, as Netty's), past which the connection
   * closes. Counted in whole milliseconds, rounded up (a part of one is 1 ms, never "none"); one
   * too long to count in milliseconds ({@code ChronoUnit.FOREVER.getDuration()}) is capped at
   * {@code Long.MAX_VALUE} ms.
   */
  public Tls handshakeTimeout(Duration timeout) {
    return new Tls(source, serverNames, timeout, engine, clientAuth, trustedClientCertificates, http2);
  }

  /** This TLS with an engine chosen (default {@link Engine#AUTO}). */
  public Tls engine(Engine e) {
    return new Tls(source, serverNames, handshakeTimeout, e, clientAuth, trustedClientCertificates, http2);
  }

  /**
   * This TLS asking clients for certificates, trusting those issued by (or equal to) the
   * certificates in the PEM file {@code trusted}.
   */
  public Tls clientCertificates(ClientAuth mode, Path trusted) {
    Objects.requireNonNull(trusted, "trusted");
    return new Tls(source, serverNames, handshakeTimeout, engine, mode, mode == ClientAuth.NONE ? Optional.empty() : Optional.of(trusted),
        http2);
  }

  /**
   * This TLS offering HTTP/2 by ALPN or not (default true: {@code h2} first, then
   * {@code http/1.1}; a client that offers neither, or no ALPN, gets HTTP/1.1). Independent of
   * {@link ServerConfig.Builder#h2c}, which is about the cleartext port only. See
   * {@code docs/http2.md}.
   */
  public Tls http2(boolean offered) {
    return new Tls(source, serverNames, handshakeTimeout, engine, clientAuth, trustedClientCertificates, offered);
  }

  /**
   * This TLS serving {@code certificate}'s key material to clients that ask for {@code name} by
   * SNI (RFC 6066 section 3); everyone else, a client that sends no name or a name no entry
   * matches, gets this TLS's own certificate, the default (as nginx's {@code default_server}).
   * {@code name} is a DNS name, or a wildcard {@code *.example.com} that matches one label in
   * its place ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}); names
   * compare case-insensitively, an exact name wins over a wildcard, and an internationalized name
   * may be given in Unicode or as its {@code xn--} form. Only the key material of
   * {@code certificate} is taken: the engine, handshake timeout, client certificates and ALPN
   * are this TLS's, for every name, since one listener serves one app (a client-certificate rule
   * per name would be bypassed by a client naming one host in SNI and another in {@code Host}).
   * So {@code certificate} must have the defaults for all of those. A reload reads every name's
   * key material again.
   *
   * <pre>{@code
   * Tls.pem(defaultCert, defaultKey)
   *     .serverName("api.example.com", Tls.pem(apiCert, apiKey))
   *     .serverName("*.example.com", Tls.keyStore(wildcardStore, password));
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code name} is not a DNS name or wildcard (an IP address
   *     is not: SNI carries none), is already mapped, or {@code certificate} has settings of its
   *     own besides key material
   */
  public Tls serverName(String name, Tls certificate) {
    Objects.requireNonNull(certificate, "certificate");
    String normalized = normalizeServerName(name);
    if (serverNames.containsKey(normalized)) {
      throw new IllegalArgumentException("server name " + name + " is mapped already");
    }
    if (!certificate.keyMaterialOnly()) {
      throw new IllegalArgumentException("the TLS for server name " + name + " may carry key material only: "
          + "engine, handshake timeout, client certificates, ALPN and server names are the listener's, set on "
          + this);
    }
    Map<String, Source> names = new LinkedHashMap<>(serverNames);
    names.put(normalized, certificate.source);
    return new Tls(source, Collections.unmodifiableMap(names), handshakeTimeout, engine, clientAuth, trustedClientCertificates, http2);
  }

  /** Whether this is {@code of(source)}: key material with the defaults, nothing set besides. */
  private boolean keyMaterialOnly() {
    Tls defaults = of(source);
    return serverNames.isEmpty() && handshakeTimeout.equals(defaults.handshakeTimeout) && engine == defaults.engine
        && clientAuth == defaults.clientAuth && http2 == defaults.http2;
  }

  /** In the form SNI and Netty's mapping compare: ASCII ({@code xn--} for IDNs), lower case. */
  private static String normalizeServerName(String name) {
    Objects.requireNonNull(name, "name");
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException notAName) {
      throw new IllegalArgumentException("not a server name: " + name, notAName);
    }
    if (!SERVER_NAME.matcher(ascii).matches() || ascii.length() > 253 || IPV4.matcher(ascii).matches()) {
      throw new IllegalArgumentException("not a server name (a DNS name or *.name; SNI carries no IP address): "
          + name);
    }
    return ascii;
  }

  public Source source() {
    return source;
  }

  /**
   * The server names with their own key material (see {@link #serverName}), in ASCII lower case
   * ({@code *.} for a wildcard); empty when the one certificate serves every client.
   */
  public Map<String, Source> serverNames() {
    return serverNames;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public Engine engine() {
    return engine;
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The PEM file of certificates client certificates must chain to; empty without client auth. */
  public Optional<Path> trustedClientCertificates() {
    return trustedClientCertificates;
  }

  /** Whether ALPN offers {@code h2}. */
  public boolean http2() {
    return http2;
  }

  @Override
  public String toString() {
    return "Tls[" + source + (serverNames.isEmpty() ? "" : ", server names " + serverNames) + ", engine " + engine + ", client certificates " + clientAuth + (http2 ? ", h2" : "") + "]";
  }
}
