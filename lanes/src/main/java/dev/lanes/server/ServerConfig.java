package dev.lanes.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server listens and what it accepts. Defaults and where they come from are in
 * {@code docs/limits.md}.
 *
 * <pre>{@code ServerConfig config = ServerConfig.builder().port(8000).build(); }</pre>
 *
 * @param host address to bind ({@code 127.0.0.1} by default)
 * @param port port to bind; 0 picks a free one, reported by {@link Server#port()}
 * @param backlog accept queue length; large so a burst of connects is not dropped
 * @param ioThreads event-loop threads (default: available processors)
 * @param maxInitialLineLength longest request line; longer gets 414
 * @param maxHeaderSize largest header block; larger gets 431
 * @param maxBodySize largest request body; larger gets 413
 * @param shutdownGrace how long {@link Server#close()} lets in-flight requests finish
 */
public record ServerConfig(
    String host, int port, int backlog, int ioThreads,
    int maxInitialLineLength, int maxHeaderSize, int maxBodySize, Duration shutdownGrace) {

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    check(port >= 0 && port <= 65535, "port must be 0..65535: " + port);
    check(backlog >= 1, "backlog must be >= 1");
    check(ioThreads >= 1, "ioThreads must be >= 1");
    check(maxInitialLineLength >= 64, "maxInitialLineLength must be >= 64");
    check(maxHeaderSize >= 256, "maxHeaderSize must be >= 256");
    check(maxBodySize >= 0, "maxBodySize must be >= 0");
    check(!shutdownGrace.isNegative(), "shutdownGrace must not be negative");
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
    private int maxInitialLineLength = 8192;
    private int maxHeaderSize = 8192;
    private int maxBodySize = 10 * 1024 * 1024;
    private Duration shutdownGrace = Duration.ofSeconds(30);

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

    public ServerConfig build() {
      return new ServerConfig(host, port, backlog, ioThreads, maxInitialLineLength,
          maxHeaderSize, maxBodySize, shutdownGrace);
    }
  }
}
