package dev.lanes.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one route runs: the lane of a blocking handler, an optional deadline, past which the
 * client gets 504 and the handler is cancelled (see {@link Deadline}), and whether the server may
 * compress its responses.
 *
 * <pre>{@code
 * app.route("GET", "/report", RouteOptions.defaults().lane("reports").deadline(Duration.ofSeconds(2)),
 *     (BlockingHandler) req -> Response.json(buildReport()));
 * }</pre>
 *
 * @param lane the lane a blocking handler runs in (empty: {@code endpoints})
 * @param deadline the most time the request may take from routing to response (empty: none)
 * @param compress whether responses may be compressed when the server compresses (turn it off
 *     where a response mixes a secret with what the client sent: BREACH)
 */
public record RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress) {
  private static final RouteOptions DEFAULTS = new RouteOptions(Optional.empty(), Optional.empty(), true);

  public RouteOptions {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(deadline, "deadline");
    deadline.ifPresent(d -> {
      if (!d.isPositive()) {
        throw new IllegalArgumentException("deadline must be positive: " + d);
      }
    });
  }

  /** Lane and deadline; compression allowed. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline) {
    this(lane, deadline, true);
  }

  /** No lane named, no deadline, compression allowed. */
  public static RouteOptions defaults() {
    return DEFAULTS;
  }

  /** These options with blocking work in lane {@code name}. */
  public RouteOptions lane(String name) {
    return new RouteOptions(Optional.of(name), deadline, compress);
  }

  /** These options with a deadline. */
  public RouteOptions deadline(Duration d) {
    return new RouteOptions(lane, Optional.of(d), compress);
  }

  /** These options with response compression allowed or not (allowed by default). */
  public RouteOptions compress(boolean allowed) {
    return new RouteOptions(lane, deadline, allowed);
  }
}
