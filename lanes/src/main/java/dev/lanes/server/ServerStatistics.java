package dev.lanes.server;

/**
 * A snapshot of the server's admission and timeout counters (per-lane rejections are in each
 * lane's {@code LaneStatistics}).
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
 */
public record ServerStatistics(int inFlight, int connections, long rejectedBusy,
    long rejectedConnections, long badRequests, long requestHeadTimeouts, long bodyReadTimeouts,
    long keepAliveTimeouts, long sendTimeouts) {}
