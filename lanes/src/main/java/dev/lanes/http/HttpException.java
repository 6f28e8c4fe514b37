package dev.lanes.http;

/**
 * Ends a request with a given status and a message meant for the client (unlike any other
 * exception, whose details never leave the server).
 *
 * <pre>{@code throw new HttpException(404, "no item " + id); }</pre>
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public HttpException(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an HttpException needs a 4xx or 5xx status: " + status);
    }
    this.status = status;
  }

  public int status() {
    return status;
  }
}
