package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Body;
import dev.lanes.typed.Path;
import dev.lanes.typed.Post;
import dev.lanes.typed.Put;
import dev.lanes.typed.Query;
import dev.lanes.typed.TypedApi;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Tutorial, request body: a record read from JSON, beside path and query parameters. */
public final class RequestBody {
  private RequestBody() {}

  record Item(String name, Optional<String> description, double price, Optional<Double> tax) {}

  record PricedItem(String name, double price, double priceWithTax) {}

  static final class Routes {
    @Post("/items")
    PricedItem createItem(@Body Item item) {
      return new PricedItem(item.name(), item.price(), item.price() + item.tax().orElse(0.0));
    }

    @Put("/items/{item_id}")
    Map<String, Object> updateItem(@Path int itemId, @Body Item item, @Query Optional<String> q) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("item_id", itemId);
      result.put("item", item);
      q.ifPresent(value -> result.put("q", value));
      return result;
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Request body").controller(new Routes()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}
