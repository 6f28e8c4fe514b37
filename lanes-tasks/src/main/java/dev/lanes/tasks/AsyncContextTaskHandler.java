package dev.lanes.tasks;

import java.util.concurrent.CompletionStage;

/**
 * A non-blocking task handler that is also given its task's {@link TaskContext} (id, type,
 * attempt); otherwise an {@link AsyncTaskHandler}.
 *
 * <pre>{@code AsyncContextTaskHandler<Ping> h = (ping, task) -> client.sendAsync(request(ping, task.id()), ofString()).thenApply(HttpResponse::statusCode);}</pre>
 */
@FunctionalInterface
public interface AsyncContextTaskHandler<P> {
  CompletionStage<?> run(P payload, TaskContext task);
}
