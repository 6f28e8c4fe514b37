package dev.lanes.routing;

import dev.lanes.http.Request;
import dev.lanes.http.Response;

/**
 * A handler that may block (JDBC, files, {@code Thread.sleep}): it runs on a thread of its
 * route's lane ({@code endpoints} unless the route names another), never on the event loop.
 *
 * <pre>{@code app.get("/users/{id}", req -> Response.json(db.user(req.pathParams().getLong("id")))); }</pre>
 */
@FunctionalInterface
public non-sealed interface BlockingHandler extends Handler {
  Response handle(Request request) throws Exception;
}
