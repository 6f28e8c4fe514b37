package dev.lanes.typed;

import dev.lanes.http.Request;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

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

  /** The token of {@code req}'s {@code Authorization: Bearer} header, if it has one. */
  static Optional<BearerToken> of(Request req) {
    String h = req.header("authorization").orElse("").strip();
    int space = h.indexOf(' ');
    if (space > 0 && h.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      String token = h.substring(space + 1).strip();
      if (!token.isEmpty()) {
        return Optional.of(new BearerToken(token));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
