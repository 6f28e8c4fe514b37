package dev.lanes.internal.http;

/**
 * In a request's state: an exception no exception handler of the app took ended it, and its
 * response is the server-error answer (a logged 500, or the app's handler for {@code Exception}
 * itself). Starlette answers such errors from {@code ServerErrorMiddleware}, outside the user's
 * middleware, so what middleware would add to a response (a changed session's cookie) is not
 * sent; the error mapper runs inside each middleware here and notes it for them instead.
 *
 * <pre>{@code if (req.state().find(UnhandledError.class).isPresent()) return response; // as it is}</pre>
 */
public record UnhandledError(Throwable error) {}
