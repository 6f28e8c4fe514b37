package dev.lanes.server;

/**
 * Response compression on HTTP/1.1 and HTTP/2 alike: {@code br}, {@code zstd} or {@code gzip}
 * (the client's q-values first, then in that order of preference, each only when the client
 * accepts it and, for br and zstd, when brotli4j or zstd-jni is on the
 * class path) for bodies of compressible types (text, JSON, JavaScript, XML, SVG, SSE) of at
 * least {@link #minSize()} bytes. Never for ranges, bodies that already have a
 * {@code Content-Encoding}, or HTTP/1.0 clients; a streamed body (SSE) is flushed compressed
 * after every chunk. Responses that could be compressed say {@code Vary: Accept-Encoding}.
 * A route that mixes secrets with what an attacker sends turns it off with
 * {@code RouteOptions.compress(false)} (BREACH). Off unless configured.
 *
 * <pre>{@code ServerConfig.builder().compression(Compression.on().minSize(512)).build(); }</pre>
 */
public final class Compression {
  private static final Compression OFF = new Compression(false, 1024);

  private final boolean enabled;
  private final int minSize;

  private Compression(boolean enabled, int minSize) {
    if (minSize < 0) {
      throw new IllegalArgumentException("minSize must be >= 0: " + minSize);
    }
    this.enabled = enabled;
    this.minSize = minSize;
  }

  /** No compression (the default). */
  public static Compression off() {
    return OFF;
  }

  /** Compression of compressible bodies of at least 1024 bytes. */
  public static Compression on() {
    return new Compression(true, 1024);
  }

  /** This setting with a smallest body to compress (bodies of unknown length are always candidates). */
  public Compression minSize(int bytes) {
    return new Compression(enabled, bytes);
  }

  public boolean enabled() {
    return enabled;
  }

  /** Bodies shorter than this are sent as they are (1024 by default: below it gzip saves little). */
  public int minSize() {
    return minSize;
  }

  @Override
  public String toString() {
    return enabled ? "Compression[min " + minSize + " bytes]" : "Compression[off]";
  }
}
