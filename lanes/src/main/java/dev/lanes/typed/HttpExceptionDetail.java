package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import java.util.Map;

/**
 * FastAPI's answer to an {@link HttpException}: {@code {"detail": message}} with its status and
 * headers. {@link TypedApi#install} registers it as the app's handler for {@code HttpException},
 * so typed routes, their dependencies and plain routes alike answer this way unless the app
 * registers its own handler afterwards (as with FastAPI's handler for Starlette's HTTPException).
 */
final class HttpExceptionDetail {
  private HttpExceptionDetail() {}

  static Response respond(HttpException e) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("detail", e.getMessage());
    Response r = Response.json(body).withStatus(e.status());
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      r = r.withHeader(h.getKey(), h.getValue());
    }
    return r;
  }
}
