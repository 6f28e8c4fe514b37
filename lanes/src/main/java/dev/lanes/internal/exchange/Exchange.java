package dev.lanes.internal.exchange;

import dev.lanes.background.BackgroundTasks;
import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.http.Headers;
import dev.lanes.http.Request;
import dev.lanes.http.RequestScope;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.app.UnsentBodies;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.observe.RequestTrace;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One request's life, whatever the protocol: admitted, routed, answered, its body written, its
 * background tasks run, its scope closed — in that order. The connection (an HTTP/1.1 connection,
 * or an HTTP/2 connection for each of its streams) parses the request, hands it here with an {@link ExchangeCodec}
 * that writes in its protocol, and learns through {@link ExchangeCodec#ended()} when it may move
 * on. Confined to the connection's event loop: the handler's future is the only thing that
 * crosses threads, and its completion hops back here before touching any state.
 *
 * <p>The request scope closes after the last byte is written and after the response's
 * background tasks, for every body kind, so a background task may still read an uploaded file.
 * If the client leaves first, the work in flight is cancelled and the scope closes at once.
 */
public final class Exchange {
  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
  private static final LaneRejectedException BUSY = new LaneRejectedException(
      LaneRejectedException.Reason.SERVER_BUSY, "server at its concurrency limit");
  private static final Response DRAINING = Response.text(503, "Service Unavailable: shutting down")
      .withHeader("Retry-After", "1");
  private static final Response CANNOT_SEND = Response.text(500, "Internal Server Error");
  private static final VarHandle HEAD_PENDING;

  static {
    try {
      HEAD_PENDING = MethodHandles.lookup().findVarHandle(Exchange.class, "headPending", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CompiledApp app;
  private final Admission admission;
  private final ExchangeCodec codec;
  private final EventExecutor loop;
  private final RequestTrace trace;
  private final RequestScope scope = RequestScope.create();
  private String method; // with path: set by serve; named in errors and logs only
  private String path;
  private CompletableFuture<?> inFlight; // the handler, then the produced body
  private boolean abandoned;
  // The status of a produced body's head not yet reported, else 0; taken with getAndSet, so that
  // it is reported once even when a loop that stopped leaves the body's end to another thread.
  private volatile int headPending;

  private Exchange(CompiledApp app, Admission admission, ExchangeCodec codec, EventExecutor loop,
      String method, String target, long readAt) {
    this.app = app;
    this.admission = admission;
    this.codec = codec;
    this.loop = loop;
    this.trace = app.instruments().startRequest(method, target, readAt);
  }

  /**
   * An exchange for a request whose head was read at {@code readAt} ({@link System#nanoTime});
   * {@code target} is the raw request target.
   */
  public static Exchange open(CompiledApp app, Admission admission, ExchangeCodec codec, EventExecutor loop,
      String method, String target, long readAt) {
    return new Exchange(app, admission, codec, loop, method, target, readAt);
  }

  /** The scope the request must carry (see {@link Request.Builder#scope}). */
  public RequestScope scope() {
    return scope;
  }

  /**
   * Whether a request whose client waits for {@code 100 Continue} before it sends its body gets
   * its final answer from its head instead (RFC 9110 10.1.1): no route takes it (a fallback
   * answers: 404, 405, a slash redirect), or the server is at its in-flight limit (503). Such a
   * request is served with {@link #serveHead}, its body never asked for. Any other one is sent
   * the 100: a route's handler reads its body.
   */
  public static boolean answeredFromHead(CompiledApp app, Admission admission, String method, String path) {
    return !app.reachesRoute(method, path) || admission.full();
  }

  /**
   * Serves a request {@link #answeredFromHead} without its body (the request carries none). It
   * is served as {@link #serve} serves it, except one that a route takes: the server was full
   * when its head came and may not be now, but no handler may run without the body it reads, so
   * it is refused as busy (503), as its head was.
   */
  public void serveHead(String method, String path, Request.Builder request) {
    if (app.reachesRoute(method, path)) {
      this.method = method;
      this.path = path;
      admission.refuseBusy();
      respond(busy(request));
      return;
    }
    serve(method, path, request);
  }

  /** Admits and serves {@code request} ({@code path} decoded, {@code "*"} for OPTIONS *). */
  public void serve(String method, String path, Request.Builder request) {
    this.method = method;
    this.path = path;
    if (!admission.tryStartRequest()) {
      // Server-wide limit: answer at once (exception handlers apply), keep the connection.
      respond(busy(request));
      return;
    }
    CompletableFuture<Response> result;
    try {
      result = app.serve(method, path, request.scope(scope), trace);
    } catch (RuntimeException | Error e) { // an Error too: the admission slot is released below either way
      result = CompletableFuture.failedFuture(e);
    }
    if (result.isDone()) {
      admission.requestEnded();
      respond(outcome(result));
      return;
    }
    inFlight = result;
    CompletableFuture<Response> pending = result;
    result.whenComplete((r, e) -> {
      if (loop.inEventLoop()) {
        handled(pending, r);
      } else {
        // Serialise a JSON body on the thread that finished the handler (a blocking handler's
        // lane), so a large one does not hold up the loop.
        Response ready = r == null ? null : encoded(r);
        try {
          loop.execute(() -> handled(pending, ready));
        } catch (RejectedExecutionException stopped) {
          // The server stopped while the handler finished: its loop, which closed its connections
          // (abandoning this exchange) before it refused tasks, will never run this one. End the
          // exchange here, abandoned, or it would count as in flight for ever.
          abandon();
          handled(pending, ready);
        }
      }
    });
  }

  /**
   * Answers without routing: the request was refused before it could be served (400, 413...);
   * the app's middleware may still add to the answer ({@code Middleware.refused}: {@code Cors}'
   * headers), from the {@code request} headers as sent.
   */
  public void refuse(Headers request, Response response) {
    respond(app.refused(request, response));
  }

  /** The answer to a request the server is too full to serve, which no middleware wraps: {@link #refuse}'s. */
  private Response busy(Request.Builder request) {
    return app.refused(request.scope(scope).build().headers(), app.errors().toResponse(BUSY, where()));
  }

  /** The client left: stop the work in flight and end the scope now. */
  public void abandon() {
    if (abandoned) {
      return;
    }
    abandoned = true;
    CompletableFuture<?> running = inFlight;
    if (running != null) {
      running.cancel(true); // frees its lane token: a queued task leaves the queue, a running one is interrupted
    }
    scope.cancel();
  }

  /** {@code response} is the handler's result if it returned one (maybe encoded already), else null. */
  private void handled(CompletableFuture<Response> result, Response response) {
    inFlight = null;
    admission.requestEnded();
    if (abandoned) {
      trace.abandoned();
      if (response != null && response.body() instanceof ResponseBody.Written w) {
        UnsentBodies.close(app.lanes(), w); // never sent: its producer's source is still open
      } else if (response != null && response.body() instanceof ResponseBody.FileRange file) {
        OpenedFile.close(file);
      }
      return;
    }
    respond(response != null ? response : outcome(result));
  }

  private Response outcome(CompletableFuture<Response> result) {
    try {
      Response response = result.getNow(null);
      return response != null ? response
          : app.errors().toResponse(new IllegalStateException("handler returned null instead of a Response"), where());
    } catch (CompletionException | CancellationException e) {
      return app.errors().toResponse(e, where());
    }
  }

  private void respond(Response unencoded) {
    Response response = ready(encoded(outgoing(unencoded)), true);
    BackgroundTasks tasks = response.background();
    // Identity check first: almost every response carries NONE, and isEmpty() takes a lock.
    boolean hasTasks = tasks != BackgroundTasks.NONE && !tasks.isEmpty();
    // Anything not in memory may be written after write() returns (a file is read in chunks on HTTP/2).
    boolean produced = !(response.body() instanceof ResponseBody.Bytes);
    Runnable afterSent = hasTasks || produced || scope.hasCleanups() ? () -> sent(tasks, hasTasks) : null;
    CompletableFuture<Void> body;
    long now = System.nanoTime(); // the response's date and the request's duration
    try {
      body = codec.write(response, afterSent, now);
    } catch (RuntimeException e) { // the response could not even be encoded
      LOG.log(Level.ERROR, "cannot write the response of " + where(), e);
      trace.responded(500, now); // every requestStart gets its end: a server error, nothing sent
      trace.bodyEnded(false);
      scope.close();
      codec.abort(e);
      codec.ended();
      return;
    }
    if (body == ExchangeCodec.QUEUED) {
      trace.respondedAndEnded(codec.sentStatus(response.status()), now);
      if (afterSent == null) {
        scope.close();
      }
      codec.ended();
      return;
    }
    if (body instanceof WrittenBody.Sending sending && trace != RequestTrace.NONE) {
      // The head waits for the producer's token, and a lane that refuses it answers with an error
      // instead: the status is reported when the head goes out, as the client sees it.
      headPending = response.status();
      // Always through the loop's queue: the producer queued its head there first, and the codec
      // knows the status sent (sentStatus) only once that head is written.
      sending.headQueued().thenRun(() -> onLoop(this::headSent)); // refused: the body's end reports it
    } else {
      trace.responded(codec.sentStatus(response.status()), now);
    }
    inFlight = body;
    admission.bodyStarted();
    // A produced body ends through the loop's queue even if it is already done: its producer
    // queued its bytes there, and whatever follows must not overtake them.
    body.whenComplete((v, e) -> {
      admission.bodyEnded();
      if (!onLoop(() -> bodyEnded(e))) {
        loopStopped();
      }
    });
  }

  /**
   * What goes out for {@code response}, decided here rather than in the codec so that the status
   * reported is the one sent. A 1xx cannot end a request (a logged 500 instead), except a 101
   * the codec switches protocols on; that one is refused with a 503 while the server drains, which
   * takes no new connections either.
   */
  private Response outgoing(Response response) {
    if (response.status() >= 200) {
      return response; // nearly every response: no call into the codec
    }
    if (Interim.cannotEnd(response, codec.switchesProtocols(response))) {
      return Interim.refused(response, where());
    }
    return admission.isDraining() ? DRAINING : response;
  }

  /**
   * {@code response} with its file open if it sends one, before any of it is written: a file that
   * cannot be sent is answered as an error ({@code retry}: even if that answer is a file too, else
   * a plain 500). The scope closes the file when the exchange ends, on every path.
   */
  private Response ready(Response response, boolean retry) {
    if (!(response.body() instanceof ResponseBody.FileRange file)) {
      return response;
    }
    ResponseBody.FileRange open;
    try {
      open = OpenedFile.open(file);
    } catch (IOException e) {
      Response error = encoded(app.errors().toResponse(e, where()));
      return retry ? ready(error, false) : CANNOT_SEND;
    }
    scope.onClose(() -> OpenedFile.close(open));
    return open == file ? response : OpenedFile.withBody(response, open);
  }

  /** {@code response} with its JSON body serialised (see {@link CompiledApp#encoded}). */
  private Response encoded(Response response) {
    return response.body() instanceof ResponseBody.Json ? app.encoded(response, this::where) : response;
  }

  /** The request as errors and logs name it, e.g. {@code GET /items/1}; built only when needed. */
  private String where() {
    return path == null ? "" : method + " " + path;
  }

  /** After the last byte: the response's background tasks, then the scope closes. */
  private void sent(BackgroundTasks tasks, boolean hasTasks) {
    if (hasTasks) {
      // The route as the trace names it. With no listener the trace is NONE, which names none,
      // but then the runner reports to no listener either: both hear the app's listeners.
      app.background().run(tasks, trace.route(), where(), loop).whenComplete((v, e) -> scope.close());
    } else {
      scope.close();
    }
  }

  private void headSent() {
    int status = (int) HEAD_PENDING.getAndSet(this, 0);
    if (status != 0) {
      trace.responded(codec.sentStatus(status), System.nanoTime());
    }
  }

  /** Runs {@code task} on the loop; false if the loop refused it (it has stopped: the server shut down). */
  private boolean onLoop(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  /**
   * The body ended after its loop stopped taking tasks: a connection whose response had gone out
   * whole (an HTTP/2 stream whose last frame was written is not abandoned when it closes) can be
   * closed by the shutdown before its producer says it is done. Nothing will run on that loop for
   * this exchange again, not even the write listener that closes the scope after the last byte, so
   * the request ends here, once: reported as cut short (its last bytes may not have been flushed),
   * its scope closed. The connection's state belongs to the stopped loop and is gone with it.
   */
  private void loopStopped() {
    int unreported = (int) HEAD_PENDING.getAndSet(this, 0);
    if (unreported != 0) {
      trace.responded(codec.sentStatus(unreported));
    }
    trace.bodyEnded(false);
    scope.cancel();
  }

  private void bodyEnded(Throwable error) {
    inFlight = null;
    int unreported = (int) HEAD_PENDING.getAndSet(this, 0); // the body ended before its head was reported, if not 0
    if (error instanceof BodyNotStarted notStarted && !abandoned) {
      // Its lane refused the producer before any byte went out: a clean error response still fits.
      Response refusal = ready(encoded(outgoing(app.errors().toResponse(notStarted.getCause(), where()))), true);
      long now = System.nanoTime();
      codec.write(refusal, null, now);
      trace.respondedAndEnded(refusal.status(), now);
      scope.close();
      codec.ended();
      return;
    }
    if (unreported != 0 && abandoned) {
      trace.abandoned(); // the client left while the producer waited for its token
    } else {
      if (unreported != 0) {
        trace.responded(codec.sentStatus(unreported));
      }
      trace.bodyEnded(error == null);
    }
    if (error == null) {
      codec.ended();
      return;
    }
    if (abandoned) {
      LOG.log(Level.DEBUG, () -> "response body of " + where() + " stopped: client gone");
    } else {
      // Mid-body the status line is gone: the only honest signal left is to cut the exchange.
      LOG.log(Level.WARNING, "response body of " + where() + " failed; aborting the response", error);
      codec.abort(error);
    }
    scope.close();
    codec.ended();
  }
}
