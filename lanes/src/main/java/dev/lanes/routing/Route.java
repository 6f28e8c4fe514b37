package dev.lanes.routing;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything about one endpoint: method, path template, handler (whose type says where it runs)
 * and its {@link RouteOptions} (lane, deadline). The app compiles each route once, when it is
 * built; later layers (typed parameters, documentation) read the same value.
 *
 * <pre>{@code Route r = Route.of("GET", "/items/{id:long}", (BlockingHandler) req -> Response.text("item")); }</pre>
 *
 * @param method the HTTP method, any RFC 9110 token ({@code GET}, {@code VERSION-CONTROL}); kept
 *     upper-cased, as Starlette does, so {@code "get"} is {@code GET}
 * @param pattern the path template
 * @param handler the endpoint
 * @param options how it runs: lane of a blocking handler, deadline
 */
public record Route(String method, PathPattern pattern, Handler handler, RouteOptions options) {
  // RFC 9110 method = token (tchar: letters, digits and !#$%&'*+-.^_`|~), upper-cased.
  private static final Pattern METHOD = Pattern.compile("[A-Z0-9!#$%&'*+.^_`|~-]+");

  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    method = method.toUpperCase(Locale.ROOT);
    if (!METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("bad HTTP method: " + method);
    }
    if (options.lane().isPresent() && handler instanceof AsyncHandler) {
      throw new IllegalArgumentException(method + " " + pattern.template()
          + ": an async handler runs on the event loop; only blocking handlers take a lane");
    }
  }

  /** A route with default options. */
  public static Route of(String method, String path, Handler handler) {
    return new Route(method, PathPattern.parse(path), handler, RouteOptions.defaults());
  }

  /** The lane named for a blocking handler, if any (else the app's {@code endpoints} lane). */
  public Optional<String> lane() {
    return options.lane();
  }

  /** The most time a request may take from routing to response, if bounded. */
  public Optional<Duration> deadline() {
    return options.deadline();
  }

  /** Human-readable name used in logs and metrics: {@code GET /items/{id}}. */
  public String name() {
    return method + " " + pattern.template();
  }
}
