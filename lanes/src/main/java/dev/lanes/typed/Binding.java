package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.forms.Form;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's binding state: its errors, the values of its cached dependencies, and the
 * cleanups they registered. Confined to the thread that binds and calls the handler, except the
 * after-response cleanups, which start on a virtual thread of their own once both the request
 * scope has closed and the handler has returned (see {@link AfterResponse}).
 */
final class Binding {
  private static final System.Logger LOG = System.getLogger(Binding.class.getName());
  private static final Object UNSET = new Object();

  final Request request;
  final Violations violations = new Violations();
  final RouteScopes scopes;
  /** Whether every {@code @Body} of the route, its dependencies' too, is its member of the body (see {@link RouteInputs#embedsBodies}). */
  final boolean embedsBodies;
  private final Object[] cache;
  private final boolean[] heldUntilHandlerReturns; // by provider: its value, or one it was made from, closes then
  private List<Provided.Exit> afterHandler;
  private AfterResponse afterResponse;
  private boolean handlerReturned;
  private Throwable failure; // how the handler ended, once it has
  private BackgroundTasks background; // created when a parameter asks for it
  private JsonNode body; // parsed once, shared by every @Body of the request's dependencies
  private boolean bodyRead;
  private Binder.Body streamedBy; // the binder whose value was read straight from the bytes
  private Object streamed;
  private Form form; // parsed before binding when the route reads form fields or uploads

  Binding(Request request, int providers, RouteScopes scopes, boolean embedsBodies) {
    this.request = request;
    this.scopes = scopes;
    this.embedsBodies = embedsBodies;
    this.cache = providers == 0 ? null : new Object[providers];
    if (cache != null) {
      java.util.Arrays.fill(cache, UNSET);
    }
    this.heldUntilHandlerReturns = providers == 0 ? null : new boolean[providers];
  }

  /** Whether provider {@code index}'s value, or a value it was made from, is cleaned up when the handler returns. */
  boolean closesWhenHandlerReturns(int index) {
    return heldUntilHandlerReturns[index];
  }

  void closesWhenHandlerReturns(int index, boolean value) {
    heldUntilHandlerReturns[index] |= value;
  }

  Object cached(int index) {
    Object v = cache[index];
    return v == UNSET ? null : v;
  }

  void cache(int index, Object value) {
    cache[index] = value;
  }

  BackgroundTasks background() {
    if (background == null) {
      background = BackgroundTasks.create();
    }
    return background;
  }

  /**
   * {@code r} with this request's background tasks, if any were added, ahead of the tasks {@code r}
   * already carries (FastAPI's order): a returned response's own tasks are never dropped.
   */
  Response withBackground(Response r) {
    if (background == null || background.isEmpty()) {
      return r;
    }
    if (r.background().isEmpty()) {
      return r.withBackground(background);
    }
    return r.withBackground(BackgroundTasks.create().addAll(background).addAll(r.background()));
  }

  JsonNode body() {
    return body;
  }

  boolean bodyRead() {
    return bodyRead;
  }

  void body(JsonNode parsed) {
    this.body = parsed;
    this.bodyRead = true;
  }

  /** The value {@code binder} read from the bytes with no tree, or null if it did not. */
  Object streamed(Binder.Body binder) {
    return streamedBy == binder ? streamed : null;
  }

  void streamed(Binder.Body binder, Object value) {
    this.streamedBy = binder;
    this.streamed = value;
  }

  Form form() {
    return form;
  }

  void form(Form parsed) {
    this.form = parsed;
  }

  /** Registers a dependency's cleanup; they run newest first. */
  void cleanup(Provided<?> p) {
    if (p.when() == Provided.When.AFTER_HANDLER) {
      if (afterHandler == null) {
        afterHandler = new ArrayList<>(2);
      }
      afterHandler.add(p.exit());
    } else {
      if (afterResponse == null) {
        afterResponse = new AfterResponse();
        request.scope().onClose(afterResponse::scopeClosed);
        if (handlerReturned) {
          afterResponse.handlerReturned(failure);
        }
      }
      afterResponse.add(p.exit());
    }
  }

  /**
   * The handler has returned (or its stage completed, or binding failed), {@code failure} saying
   * how (null: it returned a response): runs the after-handler cleanups, newest first, on this
   * thread (it already holds what they need), and lets the after-response ones start once the
   * scope has closed too. An after-handler cleanup that throws an {@code HttpException} replaces
   * the outcome, as FastAPI lets a {@code yield} dependency raise a new {@code HTTPException}: the
   * cleanups after it, and the after-response ones, are told it. An {@code Error} one throws (a
   * failed assertion) replaces it so too, as contextlib's {@code ExitStack} hands an exit's
   * exception to the exits after it; it is not logged and passed over as other exceptions are.
   *
   * @return what the request ends with: {@code failure}, or the replacement, an {@code HttpException}
   *     or an {@code Error} (null: the response stands)
   */
  Throwable handlerDone(Throwable failure) {
    if (afterHandler != null) {
      List<Provided.Exit> list = afterHandler;
      afterHandler = null;
      failure = runReplacing(list, failure);
    }
    this.failure = failure;
    handlerReturned = true;
    if (afterResponse != null) {
      afterResponse.handlerReturned(failure);
    }
    return failure;
  }

  /**
   * Runs every one of {@code list}, newest first, whatever the others throw; an {@code HttpException}
   * or an {@code Error} one throws is what the next ones are told.
   */
  private static Throwable runReplacing(List<Provided.Exit> list, Throwable failure) {
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).close(failure);
      } catch (HttpException | Error e) { // the answer is not decided yet: this is it
        failure = e;
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "dependency cleanup failed", e);
      }
    }
    return failure;
  }

  /**
   * Runs every one of {@code list}, newest first, each told {@code failure}: what one throws is
   * logged, except an {@code Error}, thrown once all have run (the first, later ones suppressed in it).
   */
  static void runReversed(List<Provided.Exit> list, Throwable failure) {
    Error error = null;
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).close(failure);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "dependency cleanup failed", e);
      } catch (Error e) {
        if (error == null) {
          error = e;
        } else if (error != e) {
          error.addSuppressed(e);
        }
      }
    }
    if (error != null) {
      throw error;
    }
  }

  /**
   * The after-response cleanups. They start when the request scope has closed and the handler has
   * returned, whichever comes last: a client that leaves (or a deadline) closes the scope at once,
   * while a blocking handler that ignores interrupts (a JDBC query) may still use the value, and a
   * pooled connection must not go back to the pool in use (FastAPI, too, runs a dependency's exit
   * code after the handler returns). The last of the two may come on the event loop, so they run
   * on a virtual thread: never on the loop, never waiting for a lane token.
   */
  private static final class AfterResponse {
    private final List<Provided.Exit> cleanups = new ArrayList<>(2);
    private boolean scopeClosed;
    private boolean handlerReturned;
    private Throwable failure;
    private boolean started;

    void add(Provided.Exit c) {
      Throwable f;
      synchronized (this) {
        if (!started) { // dependencies bind before the handler returns, so this is the usual case
          cleanups.add(c);
          return;
        }
        f = failure;
      }
      runReversed(List.of(c), f);
    }

    void scopeClosed() {
      synchronized (this) {
        scopeClosed = true;
      }
      startIfBothDone();
    }

    void handlerReturned(Throwable failure) {
      synchronized (this) {
        handlerReturned = true;
        this.failure = failure;
      }
      startIfBothDone();
    }

    private void startIfBothDone() {
      List<Provided.Exit> toRun;
      Throwable f;
      synchronized (this) {
        if (started || !scopeClosed || !handlerReturned) {
          return;
        }
        started = true;
        toRun = List.copyOf(cleanups);
        f = failure;
      }
      Thread.ofVirtual().name("lanes-cleanup").start(() -> runReversed(toRun, f));
    }
  }
}
