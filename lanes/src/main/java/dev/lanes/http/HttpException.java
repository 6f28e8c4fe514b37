package dev.lanes.http;

import java.util.Map;
import java.util.Objects;

/**
 * Ends a request with a given status and a message meant for the client (unlike any other
 * exception, whose details never leave the server), optionally with response headers such as
 * {@code Allow} or {@code WWW-Authenticate}. Exception handlers registered for it see every
 * one, including the server's own 404, 405 and path-parameter 400s.
 *
 * <p>The message is required: with nothing more to say, give the status's reason phrase
 * ({@code "Not Found"}), which is what FastAPI's {@code HTTPException(404)} sends.
 *
 * <pre>{@code throw new HttpException(404, "no item " + id); }</pre>
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final Map<String, String> headers;

  /**
   * Ends the request with {@code status} and {@code message}.
   *
   * @throws NullPointerException if {@code message} is null
   * @throws IllegalArgumentException if {@code status} is not 4xx or 5xx
   */
  public HttpException(int status, String message) {
    this(status, message, Map.of());
  }

  /** With headers for the error response, e.g. {@code Map.of("Allow", "GET, HEAD")}. */
  public HttpException(int status, String message, Map<String, String> headers) {
    // Refused here, where the mistake is: accepted, it would fail only when answered, as a 500.
    super(Objects.requireNonNull(message,
        "message is null: it is sent to the client; give at least the reason phrase (\"Not Found\")"),
        null, false, false);
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
