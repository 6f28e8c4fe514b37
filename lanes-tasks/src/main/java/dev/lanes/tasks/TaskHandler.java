package dev.lanes.tasks;

/**
 * A blocking task handler: runs in its task type's lane and returns the task's result, any value
 * the app's {@code JsonCodec} can write ({@code null}: no result; one it cannot write fails the task
 * without a retry, as its work is done). Throwing fails the attempt; the
 * type's {@link RetryPolicy} decides whether another follows. A handler that needs its task's id or
 * attempt is a {@link ContextTaskHandler}.
 *
 * <pre>{@code TaskHandler<Resize> h = job -> images.resize(job.path(), job.width());}</pre>
 */
@FunctionalInterface
public interface TaskHandler<P> {
  Object run(P payload) throws Exception;
}
