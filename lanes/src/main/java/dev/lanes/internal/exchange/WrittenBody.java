package dev.lanes.internal.exchange;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.ResponseBody;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a body written by blocking code in its lane ({@link ResponseBody.Written}), the same for
 * every protocol: the head goes out only once the producer holds a token, so a producer its lane
 * refuses (queue full, waited too long) still lets the server answer 503 instead of a 200 cut
 * short; a producer that never runs has its source closed; one that breaks its declared length
 * fails the body. The protocol says how the head and the end are written.
 *
 * <pre>{@code CompletableFuture<Void> sent = WrittenBody.start(lanes, written, out, writeHead, writeEnd);}</pre>
 */
public final class WrittenBody {
  private WrittenBody() {}

  /**
   * The future of a body being produced: done when the producer is, and with {@link #headQueued()},
   * which completes once the head is on its way (the producer holds its token). Until then the
   * status may still change: a lane that refuses the producer gets its error response instead.
   */
  public static final class Sending extends CompletableFuture<Void> {
    private final CompletableFuture<Void> headQueued = new CompletableFuture<>();

    /** Completes, on the producer's thread, once the head has been queued. */
    public CompletableFuture<Void> headQueued() {
      return headQueued;
    }
  }

  /**
   * Starts the producer. {@code head} and {@code end} run on the producer's thread, before and
   * after the writer (so a protocol that queues its writes keeps them in order). The returned future
   * completes when the producer is done, fails with {@link BodyNotStarted} if it never ran, and
   * cancelling it (the client left, the stream was reset) stops the producer.
   */
  public static Sending start(Lanes lanes, ResponseBody.Written written, BodyOutput out,
      Runnable head, Runnable end) {
    AtomicBoolean started = new AtomicBoolean();
    Sending result = new Sending();
    CompletableFuture<Void> running;
    try {
      running = lanes.get(written.lane()).execute(() -> {
        started.set(true);
        head.run();
        result.headQueued.complete(null);
        try {
          written.writer().writeTo(out);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new CompletionException(e);
        } finally {
          out.close();
        }
        if (written.length() >= 0 && out.written() != written.length()) {
          // A short body would leave the client waiting for bytes that never come.
          throw new CompletionException(new IOException("body writer wrote " + out.written()
              + " of its declared " + written.length() + " bytes"));
        }
        end.run();
      });
    } catch (RuntimeException e) { // an unknown lane name
      running = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> producing = running;
    producing.whenComplete((v, e) -> {
      if (e == null) {
        result.complete(null);
      } else if (!started.get()) {
        written.writer().abandon(); // its source is still open: close it, as the writer would have
        result.completeExceptionally(new BodyNotStarted(e)); // a lane's refusal arrives unwrapped
      } else {
        result.completeExceptionally(e);
      }
    });
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        producing.cancel(true);
      }
    });
    return result;
  }
}
