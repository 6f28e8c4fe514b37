package dev.lanes.typed;

import java.util.Objects;

/**
 * The token of an {@code Authorization: Bearer <token>} header, provided by {@link BearerAuth}.
 *
 * <pre>{@code @Provides User user(BearerToken token) { return sessions.user(token.value()); }}</pre>
 *
 * @param value the token
 */
public record BearerToken(String value) {
  public BearerToken {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
