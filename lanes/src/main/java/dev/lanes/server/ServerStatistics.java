package dev.lanes.server;

import dev.lanes.observe.TlsHandshakeFailure;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of the server's admission, timeout and TLS handshake counters (per-lane rejections
 * are in each lane's {@code LaneStatistics}).
 *
 * <pre>{@code ServerStatistics s = server.statistics(); log.info("503s: {}", s.rejectedBusy()); }</pre>
 *
 * @param inFlight requests being handled now
 * @param connections connections open now
 * @param rejectedBusy requests answered 503 because {@code maxInFlight} were already running
 * @param rejectedConnections connections refused because {@code maxConnections} were open
 * @param badRequests requests refused for syntax, framing or size (4xx/5xx then close)
 * @param requestHeadTimeouts connections closed because a request head was too slow
 * @param bodyReadTimeouts connections closed because a request body stalled
 * @param keepAliveTimeouts idle keep-alive connections closed
 * @param sendTimeouts connections closed because the client took no response bytes for the send timeout
 * @param tlsHandshakeFailures failed TLS handshakes by reason, every reason present (all zero
 *     without a TLS listener)
 */
public record ServerStatistics(int inFlight, int connections, long rejectedBusy,
    long rejectedConnections, long badRequests, long requestHeadTimeouts, long bodyReadTimeouts,
    long keepAliveTimeouts, long sendTimeouts, Map<TlsHandshakeFailure, Long> tlsHandshakeFailures) {

  /** Every reason at zero: a server without TLS. */
  static final Map<TlsHandshakeFailure, Long> NO_TLS_FAILURES = zeros();

  public ServerStatistics {
    Map<TlsHandshakeFailure, Long> all = new EnumMap<>(zeros());
    all.putAll(java.util.Objects.requireNonNull(tlsHandshakeFailures, "tlsHandshakeFailures"));
    tlsHandshakeFailures = Collections.unmodifiableMap(all);
  }

  /** A snapshot of a server without TLS failures. */
  public ServerStatistics(int inFlight, int connections, long rejectedBusy,
      long rejectedConnections, long badRequests, long requestHeadTimeouts, long bodyReadTimeouts,
      long keepAliveTimeouts, long sendTimeouts) {
    this(inFlight, connections, rejectedBusy, rejectedConnections, badRequests, requestHeadTimeouts,
        bodyReadTimeouts, keepAliveTimeouts, sendTimeouts, NO_TLS_FAILURES);
  }

  /** Failed TLS handshakes, all reasons together. */
  public long tlsHandshakeFailureCount() {
    return tlsHandshakeFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<TlsHandshakeFailure, Long> zeros() {
    Map<TlsHandshakeFailure, Long> m = new EnumMap<>(TlsHandshakeFailure.class);
    for (TlsHandshakeFailure r : TlsHandshakeFailure.values()) {
      m.put(r, 0L);
    }
    return Collections.unmodifiableMap(m);
  }
}
