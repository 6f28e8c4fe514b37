package dev.lanes.tasks;

/**
 * A blocking task handler that is also given its task's {@link TaskContext} (id, type, attempt);
 * otherwise a {@link TaskHandler}: its return value is the result, a throw fails the attempt.
 *
 * <pre>{@code ContextTaskHandler<Mail> h = (mail, task) -> smtp.send(mail, "Message-ID: <" + task.id() + "@example.com>");}</pre>
 */
@FunctionalInterface
public interface ContextTaskHandler<P> {
  Object run(P payload, TaskContext task) throws Exception;
}
