package dev.lanes.examples.tutorial.bigger;

import dev.lanes.http.HttpException;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import java.util.Map;

/** The items' routes, relative to their group's prefix ("/items"), which also adds their tag and the X-Token check. */
final class Items {
  private static final Map<String, Map<String, String>> ITEMS =
      Map.of("plumbus", Map.of("name", "Plumbus"), "gun", Map.of("name", "Portal Gun"));

  @Get("") // the prefix itself: GET /items
  Map<String, Map<String, String>> readItems() {
    return ITEMS;
  }

  @Get("/{item_id}")
  Map<String, String> readItem(@Path String itemId) {
    Map<String, String> item = ITEMS.get(itemId);
    if (item == null) {
      throw new HttpException(404, "Item not found");
    }
    return Map.of("name", item.get("name"), "item_id", itemId);
  }
}
