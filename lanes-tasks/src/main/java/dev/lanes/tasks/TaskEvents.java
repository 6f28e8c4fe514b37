package dev.lanes.tasks;

import dev.lanes.observe.LanesListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * This process's task events: counted for {@link TaskStatistics}, then passed to the registered
 * listeners and to the listener of the app the tasks were started with, each guarded so a failing
 * listener is logged once and never disturbs a task.
 */
final class TaskEvents implements TaskListener {
  private static final System.Logger LOG = System.getLogger(TaskEvents.class.getName());

  private final List<TaskListener> listeners;
  private final List<AtomicBoolean> logged;
  final LongAdder enqueued = new LongAdder();
  final LongAdder started = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder retried = new LongAdder();
  final LongAdder failed = new LongAdder();
  private volatile LanesListener app = LanesListener.NONE;
  private final AtomicBoolean appLogged = new AtomicBoolean();

  TaskEvents(List<TaskListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.logged = listeners.stream().map(l -> new AtomicBoolean()).toList();
  }

  /** Passes the events on to {@code listener} too (the app's, from {@link Tasks#start}). */
  void forwardTo(LanesListener listener) {
    this.app = listener;
  }

  @Override
  public void enqueued(String name, String id, Duration delay) {
    enqueued.increment();
    each(l -> l.enqueued(name, id, delay));
    toApp(a -> a.taskEnqueued(name, id, delay));
  }

  @Override
  public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
    started.increment();
    each(l -> l.started(name, id, attempt, late, redelivered));
    toApp(a -> a.taskStarted(name, id, attempt, late, redelivered));
  }

  @Override
  public void succeeded(String name, String id, Duration took) {
    succeeded.increment();
    each(l -> l.succeeded(name, id, took));
    toApp(a -> a.taskSucceeded(name, id, took));
  }

  @Override
  public void retried(String name, String id, int attempt, Duration backoff, Throwable error) {
    retried.increment();
    each(l -> l.retried(name, id, attempt, backoff, error));
    toApp(a -> a.taskRetried(name, id, attempt, backoff, error));
  }

  @Override
  public void failed(String name, String id, int attempt, Throwable error) {
    failed.increment();
    each(l -> l.failed(name, id, attempt, error));
    toApp(a -> a.taskFailed(name, id, attempt, error));
  }

  @Override
  public void expired(long count) {
    each(l -> l.expired(count)); // LanesListener has no such event: the expiry is the store's, not a task's
  }

  private void toApp(java.util.function.Consumer<LanesListener> call) {
    LanesListener a = app;
    if (a == LanesListener.NONE) {
      return;
    }
    try {
      call.accept(a);
    } catch (RuntimeException e) {
      if (appLogged.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "the app's listener threw on a task event; later failures are not logged", e);
      }
    }
  }

  private void each(java.util.function.Consumer<TaskListener> call) {
    for (int i = 0; i < listeners.size(); i++) {
      try {
        call.accept(listeners.get(i));
      } catch (RuntimeException e) {
        if (logged.get(i).compareAndSet(false, true)) {
          LOG.log(System.Logger.Level.WARNING, "task listener " + listeners.get(i) + " threw; later failures are not logged", e);
        }
      }
    }
  }
}
