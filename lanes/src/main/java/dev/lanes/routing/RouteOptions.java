package dev.lanes.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one route runs: the lane of a blocking handler, an optional deadline, past which the
 * client gets 504 and the handler is cancelled (see {@link Deadline}), whether the server may
 * compress its responses, the name URLs are built from ({@code App.urlPathFor},
 * {@code Request.urlFor}), and whether a blocking handler reads its request body as a stream
 * ({@link #streamedBody}) instead of whole.
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
 * @param streamedBodyLimit the most bytes a streamed request body may have, or -1: the body is
 *     read whole before the handler runs (the default; see {@link #streamedBody})
 */
public record RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress,
    Optional<String> name, long streamedBodyLimit) {
  private static final RouteOptions DEFAULTS =
      new RouteOptions(Optional.empty(), Optional.empty(), true, Optional.empty(), -1);

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
    if (streamedBodyLimit < -1) {
      throw new IllegalArgumentException("streamedBodyLimit must be >= 0, or -1 for none: " + streamedBodyLimit);
    }
  }

  /** Lane, deadline, compression and name; the body read whole. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress, Optional<String> name) {
    this(lane, deadline, compress, name, -1);
  }

  /** Lane, deadline and compression; no name, the body read whole. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline, boolean compress) {
    this(lane, deadline, compress, Optional.empty(), -1);
  }

  /** Lane and deadline; compression allowed. */
  public RouteOptions(Optional<String> lane, Optional<Duration> deadline) {
    this(lane, deadline, true, Optional.empty(), -1);
  }

  /** No lane named, no deadline, compression allowed, no name, the body read whole. */
  public static RouteOptions defaults() {
    return DEFAULTS;
  }

  /** These options with blocking work in lane {@code name}. */
  public RouteOptions lane(String name) {
    return new RouteOptions(Optional.of(name), deadline, compress, this.name, streamedBodyLimit);
  }

  /** These options with a deadline. */
  public RouteOptions deadline(Duration d) {
    return new RouteOptions(lane, Optional.of(d), compress, name, streamedBodyLimit);
  }

  /** These options with response compression allowed or not (allowed by default). */
  public RouteOptions compress(boolean allowed) {
    return new RouteOptions(lane, deadline, allowed, name, streamedBodyLimit);
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
    return new RouteOptions(lane, deadline, compress, Optional.of(routeName), streamedBodyLimit);
  }

  /**
   * These options with the request body streamed to a blocking handler as it arrives, up to
   * {@code maxBytes} (this route's limit, in place of {@code ServerConfig.maxBodySize}): the
   * handler reads it from {@link dev.lanes.http.Request#bodyStream()}, and
   * {@link dev.lanes.http.Request#body()} throws; {@code Form.read} parses a form from the stream
   * as it arrives, its file parts spooled to disk. Only a few chunks are held in memory: the
   * client is not read from while the handler has not taken what arrived (HTTP/2: the stream's
   * flow-control window opens only as the handler reads). A declared length over
   * the limit is refused with 413 before the handler runs; a chunked body that grows past it
   * makes the stream throw an {@link java.io.IOException}. Only for a {@code BlockingHandler}.
   *
   * <pre>{@code
   * app.route("PUT", "/files/{name}", RouteOptions.defaults().streamedBody(1L << 30),
   *     (BlockingHandler) req -> Response.text(201, "stored " + store(req.bodyStream())));
   * }</pre>
   */
  public RouteOptions streamedBody(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    }
    return new RouteOptions(lane, deadline, compress, name, maxBytes);
  }

  /** Whether the request body is streamed to the handler ({@link #streamedBody}). */
  public boolean streamsBody() {
    return streamedBodyLimit >= 0;
  }
}
