package dev.lanes.examples.tutorial.bigger;

import dev.lanes.http.HttpException;
import dev.lanes.typed.Get;
import dev.lanes.typed.Operation;
import dev.lanes.typed.Path;
import dev.lanes.typed.Requires;
import java.util.Map;

/** The items' routes: all of them need the X-Token header. */
@Requires(Tokens.HeaderToken.class)
final class Items {
  private static final Map<String, Map<String, String>> ITEMS =
      Map.of("plumbus", Map.of("name", "Plumbus"), "gun", Map.of("name", "Portal Gun"));

  @Get("/items")
  @Operation(tags = "items")
  Map<String, Map<String, String>> readItems() {
    return ITEMS;
  }

  @Get("/items/{item_id}")
  @Operation(tags = "items")
  Map<String, String> readItem(@Path String itemId) {
    Map<String, String> item = ITEMS.get(itemId);
    if (item == null) {
      throw new HttpException(404, "Item not found");
    }
    return Map.of("name", item.get("name"), "item_id", itemId);
  }
}
