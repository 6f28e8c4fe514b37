package dev.lanes.http;

import dev.lanes.internal.http.BodySource;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer a {@link ResponseBody.Written} holds around the one it was given: abandoned at most
 * once, and never once it has started writing, whoever asks (a HEAD, a client gone, the end of an
 * exchange that sent another response). Writing is always passed on, so a response whose writer
 * keeps no state may still be sent more than once.
 */
final class OnceAbandoned implements ResponseBody.BodyWriter, BodySource {
  private static final int UNTOUCHED = 0;
  private static final int STARTED = 1;
  private static final int ABANDONED = 2;

  private final ResponseBody.BodyWriter writer;
  private final AtomicInteger state = new AtomicInteger();

  private OnceAbandoned(ResponseBody.BodyWriter writer) {
    this.writer = writer;
  }

  static ResponseBody.BodyWriter around(ResponseBody.BodyWriter writer) {
    return writer instanceof OnceAbandoned ? writer : new OnceAbandoned(writer);
  }

  @Override
  public void writeTo(OutputStream out) throws Exception {
    state.compareAndSet(UNTOUCHED, STARTED);
    writer.writeTo(out);
  }

  @Override
  public void abandon() {
    if (state.compareAndSet(UNTOUCHED, ABANDONED)) {
      writer.abandon();
    }
  }

  @Override
  public boolean claim() {
    return state.compareAndSet(UNTOUCHED, STARTED);
  }

  @Override
  public boolean untouched() {
    return state.get() == UNTOUCHED;
  }

  @Override
  public Object writer() {
    return writer;
  }

  // The same writer given twice makes equal bodies, as before it was wrapped.
  @Override
  public boolean equals(Object o) {
    return o instanceof OnceAbandoned other && other.writer.equals(writer);
  }

  @Override
  public int hashCode() {
    return writer.hashCode();
  }

  @Override
  public String toString() {
    return writer.toString();
  }
}
