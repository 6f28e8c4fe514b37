package dev.lanes.examples.tutorial;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import dev.lanes.typed.TypedApi;
import java.util.Map;

/** Tutorial, path parameters: typed segments, a literal path beside a template, an enum. */
public final class PathParams {
  private PathParams() {}

  enum ModelName {
    @JsonProperty("alexnet") ALEXNET,
    @JsonProperty("resnet") RESNET,
    @JsonProperty("lenet") LENET
  }

  static final class Routes {
    @Get("/items/{item_id}")
    Map<String, Object> readItem(@Path int itemId) {
      return Map.of("item_id", itemId);
    }

    @Get("/users/me")
    Map<String, String> readCurrentUser() {
      return Map.of("user_id", "the current user");
    }

    @Get("/users/{user_id}")
    Map<String, String> readUser(@Path String userId) {
      return Map.of("user_id", userId);
    }

    @Get("/models/{model_name}")
    Map<String, Object> getModel(@Path ModelName modelName) {
      String message = switch (modelName) {
        case ALEXNET -> "Deep Learning FTW!";
        case LENET -> "LeCNN all the images";
        case RESNET -> "Have some residuals";
      };
      return Map.of("model_name", modelName, "message", message);
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Path parameters").controller(new Routes()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}
