package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Default;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import dev.lanes.typed.Query;
import dev.lanes.typed.TypedApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tutorial, query parameters: defaults, optional values, booleans, required ones. */
public final class QueryParams {
  private QueryParams() {}

  static final class Routes {
    private static final List<Map<String, String>> FAKE_ITEMS =
        List.of(Map.of("item_name", "Foo"), Map.of("item_name", "Bar"), Map.of("item_name", "Baz"));

    @Get("/items")
    List<Map<String, String>> readItems(@Query @Default("0") int skip, @Query @Default("10") int limit) {
      return FAKE_ITEMS.stream().skip(skip).limit(limit).toList();
    }

    @Get("/items/{item_id}")
    Map<String, Object> readItem(
        @Path String itemId, @Query Optional<String> q, @Query("short") @Default("false") boolean brief) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("item_id", itemId);
      q.ifPresent(value -> item.put("q", value));
      if (!brief) {
        item.put("description", "This is an amazing item that has a long description");
      }
      return item;
    }

    @Get("/needy/{item_id}")
    Map<String, String> readNeedyItem(@Path String itemId, @Query String needy) {
      return Map.of("item_id", itemId, "needy", needy);
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Query parameters").controller(new Routes()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}
