package dev.lanes.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server listens and what it accepts. Immutable; made by {@link #builder()}, validated
 * when built. Defaults and where they come from are in {@code docs/limits.md}.
 *
 * <pre>{@code ServerConfig config = ServerConfig.builder().port(8000).build(); }</pre>
 */
public final class ServerConfig {
  private final String host;
  private final int port;
  private final int backlog;
  private final int ioThreads;
  private final IoTransport transport;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxBodySize;
  private final Duration shutdownGrace;
  private final Duration requestHeadTimeout;
  private final Duration bodyReadTimeout;
  private final Duration keepAliveTimeout;
  private final Duration sendTimeout;
  private final int maxInFlight;
  private final int maxConnections;
  private final int maxHeaderCount;
  private final int minRequestBodyRate;
  private final boolean stopOnSignal;
  private final boolean h2c;
  private final int maxConcurrentStreams;
  private final int streamWindowSize;
  private final Optional<Tls> tls;
  private final int tlsPort;
  private final Compression compression;

  private ServerConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.backlog = b.backlog;
    this.ioThreads = b.ioThreads;
    this.transport = Objects.requireNonNull(b.transport, "transport");
    this.maxInitialLineLength = b.maxInitialLineLength;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxBodySize = b.maxBodySize;
    this.shutdownGrace = saturated(b.shutdownGrace);
    this.requestHeadTimeout = saturated(b.requestHeadTimeout);
    this.bodyReadTimeout = saturated(b.bodyReadTimeout);
    this.keepAliveTimeout = saturated(b.keepAliveTimeout);
    this.sendTimeout = saturated(b.sendTimeout);
    this.maxInFlight = b.maxInFlight;
    this.maxConnections = b.maxConnections;
    this.maxHeaderCount = b.maxHeaderCount;
    this.minRequestBodyRate = b.minRequestBodyRate;
    this.stopOnSignal = b.stopOnSignal;
    this.h2c = b.h2c;
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.streamWindowSize = b.streamWindowSize;
    this.tls = Objects.requireNonNull(b.tls, "tls");
    this.tlsPort = b.tlsPort;
    this.compression = Objects.requireNonNull(b.compression, "compression");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    check(port >= 0 && port <= 65535, "port must be 0..65535: " + port);
    check(backlog >= 1, "backlog must be >= 1");
    check(ioThreads >= 1, "ioThreads must be >= 1");
    check(maxInitialLineLength >= 64, "maxInitialLineLength must be >= 64");
    check(maxHeaderSize >= 256, "maxHeaderSize must be >= 256");
    check(maxBodySize >= 0, "maxBodySize must be >= 0");
    check(!shutdownGrace.isNegative(), "shutdownGrace must not be negative");
    positive(requestHeadTimeout, "requestHeadTimeout");
    positive(bodyReadTimeout, "bodyReadTimeout");
    positive(keepAliveTimeout, "keepAliveTimeout");
    positive(sendTimeout, "sendTimeout");
    check(maxInFlight >= 0, "maxInFlight must be >= 0 (0: no limit): " + maxInFlight);
    check(minRequestBodyRate >= 0, "minRequestBodyRate must be >= 0 (0: none)");
    check(maxHeaderCount >= 1, "maxHeaderCount must be >= 1: " + maxHeaderCount);
    check(maxConcurrentStreams >= 1, "maxConcurrentStreams must be >= 1: " + maxConcurrentStreams);
    // An int is at most 2^31-1, the protocol's largest window: only the lower bound can be broken.
    check(streamWindowSize >= MIN_STREAM_WINDOW, "streamWindowSize must be " + MIN_STREAM_WINDOW + ".."
        + Integer.MAX_VALUE + " bytes (HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE, at least the protocol's initial window): "
        + streamWindowSize);
    check(maxConnections >= 0, "maxConnections must be >= 0 (0: no limit): " + maxConnections);
    check(tlsPort >= 0 && tlsPort <= 65535, "tlsPort must be 0..65535: " + tlsPort);
    check(tls.isEmpty() || tlsPort == 0 || tlsPort != port, "tlsPort must differ from port: " + tlsPort);
  }

  /** Address to bind ({@code 127.0.0.1} by default). */
  public String host() {
    return host;
  }

  /** Port to bind; 0 picks a free one, reported by {@link Server#port()}. */
  public int port() {
    return port;
  }

  /** Accept queue length; large so a burst of connects is not dropped. */
  public int backlog() {
    return backlog;
  }

  /** Event-loop threads (default: available processors). */
  public int ioThreads() {
    return ioThreads;
  }

  /** The event loops' socket I/O (default {@link IoTransport#AUTO}: io_uring, else epoll, else NIO). */
  public IoTransport transport() {
    return transport;
  }

  /** Longest request line; longer gets 414. */
  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  /** Largest header block; larger gets 431. */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** Largest request body; larger gets 413. */
  public int maxBodySize() {
    return maxBodySize;
  }

  /**
   * How long {@link Server#close()} lets in-flight requests finish. Durations here and in the
   * timeouts below longer than about 73 years are cut to that ("for ever").
   */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /** Longest time from a request's first byte to the end of its head (slowloris); also how long a new connection may stay silent. */
  public Duration requestHeadTimeout() {
    return requestHeadTimeout;
  }

  /** Longest silence while a request body arrives. */
  public Duration bodyReadTimeout() {
    return bodyReadTimeout;
  }

  /** How long an idle keep-alive connection waits for the next request. */
  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  /**
   * How long response bytes may wait without the client taking any: past it an HTTP/1.1
   * connection is closed and an HTTP/2 stream reset ({@code CANCEL}) (a client that stopped
   * reading, or a slow-read attack).
   */
  public Duration sendTimeout() {
    return sendTimeout;
  }

  /** Requests handled at once server-wide, past which 503 with {@code Retry-After}; 0 for no limit (the lanes still bound blocking work). */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Open connections, past which new ones get 503 and are closed; 0 for no limit. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Most header fields in a request; more gets 431. */
  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  /** Bytes per second a request body must average once its first {@code bodyReadTimeout} has passed (slow-body attacks); 0 for no minimum. */
  public int minRequestBodyRate() {
    return minRequestBodyRate;
  }

  /** Whether SIGTERM and SIGINT stop the server gracefully (as {@link Server#close()}) so the process exits 0 once in-flight work is done; embedders that own signals turn it off. */
  public boolean stopOnSignal() {
    return stopOnSignal;
  }

  /** Whether the cleartext port also speaks HTTP/2 (h2c), by prior knowledge and by {@code Upgrade: h2c}; see {@code docs/http2.md}. */
  public boolean h2c() {
    return h2c;
  }

  /** HTTP/2 streams a client may have open at once on one connection ({@code SETTINGS_MAX_CONCURRENT_STREAMS}). */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /**
   * The receive window of each HTTP/2 stream ({@code SETTINGS_INITIAL_WINDOW_SIZE}), in bytes: how
   * much of a streamed request body the server holds unread, at most, before its client must wait
   * for the handler; a connection holds at most {@link #maxConcurrentStreams()} of them. The
   * connection's window, what it holds at most of request bodies, is that many of them plus
   * {@link #maxBodySize()} (at most 2^31-1). See {@code docs/http2.md}.
   */
  public int streamWindowSize() {
    return streamWindowSize;
  }

  /** TLS for the second listener on {@link #tlsPort()}; empty: cleartext only. */
  public Optional<Tls> tls() {
    return tls;
  }

  /** Port of the TLS listener (when {@link #tls()} is set); 0 picks a free one, reported by {@link Server#tlsPort()}. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Response compression (off by default). */
  public Compression compression() {
    return compression;
  }

  /**
   * The longest duration the server honours, about 73 years: "for ever". Longer ones (up to
   * {@code ChronoUnit.FOREVER.getDuration()}) are cut to it, so every duration converts to
   * nanoseconds and a deadline {@code now + duration} cannot overflow.
   */
  static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

  /**
   * The least stream window: the protocol's initial one (RFC 9113 6.9.2). A client may fill that
   * much before it has read the server's SETTINGS anyway, and a smaller window would stall an
   * upload for a round trip every few frames; {@code maxConcurrentStreams} bounds memory instead.
   */
  private static final int MIN_STREAM_WINDOW = 65_535;

  private static Duration saturated(Duration d) {
    return d != null && d.compareTo(LONGEST) > 0 ? LONGEST : d;
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    check(d.isPositive(), name + " must be positive: " + d);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The defaults; see each setter. */
  public static Builder builder() {
    return new Builder();
  }

  /** Defaults for everything. */
  public static ServerConfig defaults() {
    return builder().build();
  }

  /** Builds a {@link ServerConfig}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8000;
    private int backlog = 4096;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private IoTransport transport = IoTransport.AUTO;
    private int maxInitialLineLength = 8192;
    private int maxHeaderSize = 8192;
    private int maxBodySize = 10 * 1024 * 1024;
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private Duration requestHeadTimeout = Duration.ofSeconds(30);
    private Duration bodyReadTimeout = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(30);
    private Duration sendTimeout = Duration.ofSeconds(30);
    private int maxInFlight = 0;
    private int maxConnections = 16_384;
    private int maxHeaderCount = 100;
    private int minRequestBodyRate = 240;
    private boolean stopOnSignal = true;
    private boolean h2c = false;
    private int maxConcurrentStreams = 100;
    private int streamWindowSize = 256 * 1024;
    private Optional<Tls> tls = Optional.empty();
    private int tlsPort = 8443;
    private Compression compression = Compression.off();

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    public Builder transport(IoTransport transport) {
      this.transport = transport;
      return this;
    }

    public Builder maxInitialLineLength(int n) {
      this.maxInitialLineLength = n;
      return this;
    }

    public Builder maxHeaderSize(int n) {
      this.maxHeaderSize = n;
      return this;
    }

    public Builder maxBodySize(int n) {
      this.maxBodySize = n;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    /** Default 30 s (Jetty's idle timeout; nginx client_header_timeout is 60 s). */
    public Builder requestHeadTimeout(Duration timeout) {
      this.requestHeadTimeout = timeout;
      return this;
    }

    /** Default 30 s (Jetty's idle timeout; nginx client_body_timeout is 60 s). */
    public Builder bodyReadTimeout(Duration timeout) {
      this.bodyReadTimeout = timeout;
      return this;
    }

    /** Default 30 s (Jetty's idle timeout; nginx keepalive_timeout is 75 s, uvicorn's 5 s). */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = timeout;
      return this;
    }

    /**
     * Default 30 s (Jetty's idle timeout, which covers writes; nginx send_timeout is 60 s): a
     * response whose bytes the client takes none of for this long has its connection closed (its
     * stream reset on HTTP/2).
     */
    public Builder sendTimeout(Duration timeout) {
      this.sendTimeout = timeout;
      return this;
    }

    /** Default 0: no server-wide limit (as uvicorn's {@code --limit-concurrency}). */
    public Builder maxInFlight(int n) {
      this.maxInFlight = n;
      return this;
    }

    /** Default 16384; 0 for no limit. */
    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** Default 100 (Tomcat's maxHeaderCount); the byte limit alone would allow ~2000. */
    public Builder maxHeaderCount(int n) {
      this.maxHeaderCount = n;
      return this;
    }

    /** Default 240 bytes/s (Kestrel's MinRequestBodyDataRate); 0 for none. */
    public Builder minRequestBodyRate(int bytesPerSecond) {
      this.minRequestBodyRate = bytesPerSecond;
      return this;
    }

    /**
     * Default true: SIGTERM and SIGINT stop the server gracefully and the process exits 0 once
     * in-flight work is done. Turn off when the embedding application handles signals itself.
     */
    public Builder stopOnSignal(boolean stop) {
      this.stopOnSignal = stop;
      return this;
    }

    /**
     * Default false: the cleartext port speaks HTTP/1.1 only. True adds HTTP/2 without TLS (h2c):
     * a connection that opens with the HTTP/2 preface, or whose first request asks
     * {@code Upgrade: h2c}, continues as HTTP/2 ({@code docs/http2.md}).
     */
    public Builder h2c(boolean enabled) {
      this.h2c = enabled;
      return this;
    }

    /** Default 100, the least RFC 9113 recommends (Netty, Jetty and Go's server use 100 or 128 too). */
    public Builder maxConcurrentStreams(int n) {
      this.maxConcurrentStreams = n;
      return this;
    }

    /**
     * Default 256 KiB, what HTTP/1.1 holds of a streamed body; 65535 (the protocol's) to 2^31-1.
     * Memory: up to {@code maxConcurrentStreams} × this per connection of streamed bodies their
     * handlers have not read (25 MiB at the defaults). Raise it for upload-heavy services: each
     * window's round trip stalls an h2c upload, which reached HTTP/1.1's speed on loopback at
     * 16 MiB ({@code docs/http2.md}). {@code .streamWindowSize(4 << 20)}
     */
    public Builder streamWindowSize(int bytes) {
      this.streamWindowSize = bytes;
      return this;
    }

    /**
     * Also listens with TLS on {@link #tlsPort} (the cleartext {@link #port} stays):
     * {@code .tls(Tls.pem(cert, key))}. See {@link Tls}.
     */
    public Builder tls(Tls tls) {
      this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
      return this;
    }

    /** Default 8443. */
    public Builder tlsPort(int port) {
      this.tlsPort = port;
      return this;
    }

    /** Default {@link Compression#off()}. */
    public Builder compression(Compression compression) {
      this.compression = compression;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
