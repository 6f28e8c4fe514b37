package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import java.util.Map;

/**
 * Provides the {@link BearerToken} of the {@code Authorization} header (FastAPI's
 * {@code HTTPBearer}); without one, 401 {@code {"detail":"Not authenticated"}} with
 * {@code WWW-Authenticate: Bearer}.
 *
 * <pre>{@code TypedApi.builder().provider(BearerAuth.create())}</pre>
 */
public final class BearerAuth implements SecurityScheme {
  private BearerAuth() {}

  public static BearerAuth create() {
    return new BearerAuth();
  }

  @Provides
  BearerToken token(Request req) {
    return BearerToken.of(req).orElseThrow(
        () -> new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Bearer")));
  }

  @Override
  public String schemeName() {
    return "HTTPBearer";
  }

  @Override
  public ObjectNode definition() {
    return JsonNodeFactory.instance.objectNode().put("type", "http").put("scheme", "bearer");
  }
}
