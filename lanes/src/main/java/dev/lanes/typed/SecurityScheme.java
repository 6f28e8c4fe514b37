package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A dependency that authenticates: registered as a provider, it answers 401 with
 * {@code WWW-Authenticate} when the credential is missing, and every route that depends on it
 * (directly or through other dependencies) lists it under {@code security} in the document, with
 * the OAuth2 {@link Scopes} that reach it on that route.
 *
 * <pre>{@code TypedApi.builder().provider(ApiKeyAuth.header("X-API-Key")).require(ApiKey.class)}</pre>
 */
public sealed interface SecurityScheme permits ApiKeyAuth, BearerAuth, OAuth2PasswordBearer {
  /** The name under {@code components/securitySchemes} ({@code APIKeyHeader}, {@code HTTPBearer}, {@code OAuth2PasswordBearer}). */
  String schemeName();

  /** The scheme's OpenAPI definition. */
  ObjectNode definition();
}
