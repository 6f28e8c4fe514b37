package dev.lanes.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.server.Admission;
import dev.lanes.observe.LanesListener;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A produced body that ends once its event loop refuses tasks (the server shutting down) still
 * ends its request once: the scope's cleanups run and the listener hears requestEnd and
 * responseBodyEnd, each once. The loop is stopped before the body ends, so its refusal is
 * certain, not a race.
 */
class LoopRefusalTest {
  private final DefaultEventExecutor loop = new DefaultEventExecutor();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger cleanups = new AtomicInteger();
  private final Admission admission = new Admission();

  /** A codec whose body ends when the test says, and whose loop-run callbacks never come. */
  private final class Codec implements ExchangeCodec {
    final WrittenBody.Sending body = new WrittenBody.Sending();
    final AtomicInteger ended = new AtomicInteger();

    @Override
    public boolean switchesProtocols(Response response) {
      return false;
    }

    @Override
    public CompletableFuture<Void> write(Response response, Runnable afterSent, long now) {
      return body; // afterSent would run from a write listener on the loop, which has stopped
    }

    @Override
    public void abort(Throwable cause) {}

    @Override
    public void ended() {
      ended.incrementAndGet();
    }
  }

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Codec serve() {
    App app = App.builder()
        .listener(new LanesListener() {
          @Override
          public void requestEnd(String route, String method, int status, Duration duration) {
            events.add("requestEnd " + status);
          }

          @Override
          public void responseBodyEnd(String route, String method, boolean completed, Duration duration) {
            events.add("responseBodyEnd " + completed);
          }
        })
        .getAsync("/s", req -> {
          req.scope().onClose(cleanups::incrementAndGet);
          return CompletableFuture.completedFuture(Response.text("x"));
        })
        .build();
    Codec codec = new Codec();
    Exchange exchange = Exchange.open(AppAccess.compiled(app), admission, codec, loop, "GET", "/s", System.nanoTime());
    exchange.serve("GET", "/s", Request.builder("GET", "/s").scope(exchange.scope()));
    assertThat(admission.bodiesInFlight()).isEqualTo(1);
    return codec;
  }

  private void stopLoop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    assertThat(loop.isTerminated()).isTrue();
  }

  @Test
  void aBodyEndingAfterTheLoopStoppedEndsTheRequestOnce() {
    Codec codec = serve();
    stopLoop();
    codec.body.headQueued().complete(null); // the head's report is refused too
    codec.body.complete(null);
    assertThat(cleanups).as("the scope's cleanups").hasValue(1);
    assertThat(events).containsExactly("requestEnd 200", "responseBodyEnd false");
    assertThat(admission.bodiesInFlight()).isZero();
  }

  @Test
  void aBodyFailingAfterTheLoopStoppedEndsTheRequestOnce() {
    Codec codec = serve();
    codec.body.headQueued().complete(null);
    stopLoop();
    codec.body.completeExceptionally(new IOException("connection closed"));
    assertThat(cleanups).hasValue(1);
    assertThat(events).containsExactly("requestEnd 200", "responseBodyEnd false");
  }
}
