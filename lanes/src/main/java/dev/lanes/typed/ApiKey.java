package dev.lanes.typed;

import java.util.Objects;

/**
 * An API key as the client sent it, provided by {@link ApiKeyAuth}; checking it is the app's
 * business (a dependency of its own that takes an {@code ApiKey}).
 *
 * <pre>{@code @Provides User user(ApiKey key) { return users.byKey(key.value()).orElseThrow(() -> new HttpException(401, "Invalid API key")); }}</pre>
 *
 * @param value the key
 */
public record ApiKey(String value) {
  public ApiKey {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "ApiKey[***]"; // keys do not belong in logs
  }
}
