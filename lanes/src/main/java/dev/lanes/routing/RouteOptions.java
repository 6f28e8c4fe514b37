package dev.lanes.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one route runs: the lane of a blocking handler, an optional deadline, past which the
 * client gets 504 and the handler is cancelled (see {@link Deadline}), whether the server may
 * compress its responses, and the name URLs are built from ({@code App.urlPathFor},
 * {@code Request.urlFor}).
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
 * @param name the route's name, unique in its app (empty: none; see {@link #name(String)})
 */
public record RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress,
    Optional<String> name) {
  private static final RouteOptions DEFAULTS =
      new RouteOptions(Optional.empty(), Optional.empty(), true, Optional.empty());

  public RouteOptions {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(name, "name");
    name.ifPresent(n -> {
      if (n.isBlank()) {
        throw new IllegalArgumentException("a route name must not be blank");
      }
    });
    deadline.ifPresent(d -> {
      if (!d.isPositive()) {
        throw new IllegalArgumentException("deadline must be positive: " + d);
      }
    });
  }

  /** Lane, deadline and compression; no name. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress) {
    this(lane, deadline, compress, Optional.empty());
  }

  /** Lane and deadline; compression allowed. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline) {
    this(lane, deadline, true);
  }

  /** No lane named, no deadline, compression allowed, no name. */
  public static RouteOptions defaults() {
    return DEFAULTS;
  }

  /** These options with blocking work in lane {@code name}. */
  public RouteOptions lane(String name) {
    return new RouteOptions(Optional.of(name), deadline, compress, this.name);
  }

  /** These options with a deadline. */
  public RouteOptions deadline(Duration d) {
    return new RouteOptions(lane, Optional.of(d), compress, name);
  }

  /** These options with response compression allowed or not (allowed by default). */
  public RouteOptions compress(boolean allowed) {
    return new RouteOptions(lane, deadline, allowed, name);
  }

  /**
   * These options with the route named {@code routeName} (Starlette's {@code Route(name=...)}):
   * URLs to the route are built from the name, not written out. Names are unique in an app, checked
   * at {@code build()}; a part included with a namespace prefixes its routes' names
   * ({@code "api:" + name}).
   *
   * <pre>{@code .route("GET", "/items/{id:long}", RouteOptions.defaults().name("read_item"), h)
   * // elsewhere: app.urlPathFor("read_item", Map.of("id", 5)) -> "/items/5"}</pre>
   */
  public RouteOptions name(String routeName) {
    return new RouteOptions(lane, deadline, compress, Optional.of(routeName));
  }
}
