package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.forms.Form;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's binding state: its errors, the values of its cached dependencies, and the
 * cleanups they registered. Confined to the thread that binds and calls the handler, except the
 * after-response cleanups, which the request scope hands to a virtual thread of their own.
 */
final class Binding {
  private static final System.Logger LOG = System.getLogger(Binding.class.getName());
  private static final Object UNSET = new Object();

  final Request request;
  final Violations violations = new Violations();
  private final Object[] cache;
  private List<AutoCloseable> afterHandler;
  private AfterResponse afterResponse;
  private BackgroundTasks background; // created when a parameter asks for it
  private JsonNode body; // parsed once, shared by every @Body of the request's dependencies
  private boolean bodyRead;
  private Binder.Body streamedBy; // the binder whose value was read straight from the bytes
  private Object streamed;
  private Form form; // parsed before binding when the route reads form fields or uploads

  Binding(Request request, int providers) {
    this.request = request;
    this.cache = providers == 0 ? null : new Object[providers];
    if (cache != null) {
      java.util.Arrays.fill(cache, UNSET);
    }
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

  /** {@code r} with this request's background tasks, if any were added. */
  Response withBackground(Response r) {
    return background == null || background.isEmpty() ? r : r.withBackground(background);
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
      afterHandler.add(p.cleanup());
    } else {
      if (afterResponse == null) {
        afterResponse = new AfterResponse();
        request.scope().onClose(afterResponse::start);
      }
      afterResponse.add(p.cleanup());
    }
  }

  /** Runs the after-handler cleanups, newest first, on this thread: it already holds what they need. */
  void handlerDone() {
    if (afterHandler != null) {
      List<AutoCloseable> list = afterHandler;
      afterHandler = null;
      runReversed(list);
    }
  }

  static void runReversed(List<AutoCloseable> list) {
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "dependency cleanup failed", e);
      }
    }
  }

  /**
   * The after-response cleanups. The scope closes them on the event loop (or wherever the request
   * ended), so they run on a virtual thread: never on the loop, never waiting for a lane token.
   * A cleanup registered after the scope has closed (a cancelled request's handler still
   * running) runs at once on the registering thread.
   */
  private static final class AfterResponse {
    private final List<AutoCloseable> cleanups = new ArrayList<>(2);
    private boolean started;

    void add(AutoCloseable c) {
      synchronized (this) {
        if (!started) {
          cleanups.add(c);
          return;
        }
      }
      runReversed(List.of(c));
    }

    void start() {
      List<AutoCloseable> toRun;
      synchronized (this) {
        started = true;
        toRun = List.copyOf(cleanups);
      }
      Thread.ofVirtual().name("lanes-cleanup").start(() -> runReversed(toRun));
    }
  }
}
