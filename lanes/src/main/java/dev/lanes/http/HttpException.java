package dev.lanes.http;

import java.util.Map;
import java.util.Objects;

/**
 * Ends a request with a given status and a message meant for the client (unlike any other
 * exception, whose details never leave the server), optionally with response headers such as
 * {@code Allow} or {@code WWW-Authenticate}. Exception handlers registered for it see every
 * one, including the server's own 404, 405 and path-parameter 400s.
 *
 * <pre>{@code throw new HttpException(404, "no item " + id); }</pre>
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final Map<String, String> headers;

  public HttpException(int status, String message) {
    this(status, message, Map.of());
  }

  /** With headers for the error response, e.g. {@code Map.of("Allow", "GET, HEAD")}. */
  public HttpException(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an HttpException needs a 4xx or 5xx status: " + status);
    }
    this.status = status;
    this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
  }

  public int status() {
    return status;
  }

  /** Headers the error response carries. */
  public Map<String, String> headers() {
    return headers;
  }
}
