package dev.lanes.internal.http;

import java.io.IOException;

/**
 * Why a streamed request body ({@code RouteOptions.streamedBody}) cannot be read on, with the
 * status the client's side of it calls for: past the route's limit (413), stopped arriving (408),
 * a bad chunk (400). Both protocols' bodies fail their reads with it, so code that reads a body on
 * the client's behalf (forms) answers as the server would, and a handler that lets it out (as
 * {@code Files.copy(req.bodyStream(), path)} does, or wrapped in an {@code UncheckedIOException})
 * has its request answered with {@link #status} and the message, not with a server error. A
 * client that left is a plain {@link IOException}: nobody is there to answer.
 */
public final class StreamedBodyFailure extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_CAUSES = 32;
  private final int status;

  public StreamedBodyFailure(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public StreamedBodyFailure(int status, String message) {
    this(status, message, null);
  }

  /** The status that answers it: 413, 408 or 400. */
  public int status() {
    return status;
  }

  /** The same failure thrown again from another read: its stack trace is the reader's. */
  public StreamedBodyFailure again() {
    return new StreamedBodyFailure(status, getMessage(), this);
  }

  /** The failure among {@code error} and its causes, or null. */
  public static StreamedBodyFailure in(Throwable error) {
    // Bounded: initCause can make a chain loop back on itself.
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof StreamedBodyFailure f) {
        return f;
      }
    }
    return null;
  }
}
