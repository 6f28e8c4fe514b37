package dev.lanes.internal.exchange;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Subscribes to an async producer's chunks and hands them one at a time to a protocol's
 * {@link Sink}, requesting the next chunk only when the sink says the last one reached the
 * socket: the producer can never run ahead of a slow client. The protocols differ only in how a
 * chunk and the end are written; the demand, the cancellation and the end live here once.
 *
 * <pre>{@code CompletableFuture<Void> sent = PublishedBody.subscribe(publisher, sink);}</pre>
 *
 * Cancelling or failing the returned future (the client left, the stream was reset) cancels the
 * subscription.
 */
public final class PublishedBody implements Flow.Subscriber<byte[]> {
  /** How one protocol writes a producer's chunks. */
  public interface Sink {
    /** Writes {@code chunk}; then calls {@link #written} on success or {@link #failed}. */
    void write(byte[] chunk, PublishedBody body);

    /** The producer completed: writes the body's end unless {@link #isDone}, then {@link #finished}. */
    void end(PublishedBody body);
  }

  private final Sink sink;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private PublishedBody(Sink sink) {
    this.sink = sink;
  }

  /** Subscribes to {@code publisher}; the future completes when the end was written. */
  public static CompletableFuture<Void> subscribe(Flow.Publisher<byte[]> publisher, Sink sink) {
    PublishedBody body = new PublishedBody(sink);
    body.done.whenComplete((v, e) -> {
      Flow.Subscription s = body.subscription;
      if (e != null && s != null) {
        s.cancel();
      }
    });
    try {
      publisher.subscribe(body);
    } catch (RuntimeException e) {
      body.done.completeExceptionally(e);
    }
    return body.done;
  }

  /** Whether the body ended: finished, failed or cancelled. A sink writes nothing more then. */
  public boolean isDone() {
    return done.isDone();
  }

  /** The last chunk reached the socket: asks for the next. */
  public void written() {
    subscription.request(1);
  }

  /** Writing failed: ends the body and cancels the producer. */
  public void failed(Throwable cause) {
    done.completeExceptionally(cause);
  }

  /** The end was written. */
  public void finished() {
    done.complete(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (done.isDone()) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(byte[] chunk) {
    if (!done.isDone()) {
      sink.write(chunk, this);
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    sink.end(this);
  }
}
