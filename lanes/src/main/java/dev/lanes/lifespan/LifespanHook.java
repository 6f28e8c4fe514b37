package dev.lanes.lifespan;

/**
 * Code run once when the app starts (before the server accepts) or stops (after in-flight
 * requests and background tasks are done). A startup hook that throws stops the server from
 * starting.
 *
 * <pre>{@code App.builder().onStartup(state -> state.put(Pool.class, Pool.open())) }</pre>
 */
@FunctionalInterface
public interface LifespanHook {
  void run(AppState state) throws Exception;
}
