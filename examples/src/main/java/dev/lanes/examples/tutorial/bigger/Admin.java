package dev.lanes.examples.tutorial.bigger;

import dev.lanes.typed.Post;
import java.util.Map;

/** A controller written without a prefix, mounted under "/admin" by the app (FastAPI's include_router(prefix=...)). */
final class Admin {
  @Post("") // the prefix itself: POST /admin
  Map<String, String> updateAdmin() {
    return Map.of("message", "Admin getting schwifty");
  }
}
