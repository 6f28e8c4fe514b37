package dev.lanes.tasks;

import java.util.concurrent.CompletionStage;

/**
 * A non-blocking task handler: returns at once with a stage that completes with the task's result
 * (or fails the attempt). The attempt holds a token of the worker lane until the stage completes.
 * A handler that needs its task's id or attempt is an {@link AsyncContextTaskHandler}.
 *
 * <pre>{@code AsyncTaskHandler<Ping> h = ping -> httpClient.sendAsync(request(ping), ofString()).thenApply(HttpResponse::statusCode);}</pre>
 */
@FunctionalInterface
public interface AsyncTaskHandler<P> {
  CompletionStage<?> run(P payload);
}
