package dev.lanes.examples.tutorial.bigger;

import dev.lanes.typed.Get;
import dev.lanes.typed.Operation;
import dev.lanes.typed.Path;
import java.util.List;
import java.util.Map;

/** The users' routes. */
final class Users {
  @Get("/users")
  @Operation(tags = "users")
  List<Map<String, String>> readUsers() {
    return List.of(Map.of("username", "Rick"), Map.of("username", "Morty"));
  }

  @Get("/users/me")
  @Operation(tags = "users")
  Map<String, String> readMe() {
    return Map.of("username", "fakecurrentuser");
  }

  @Get("/users/{username}")
  @Operation(tags = "users")
  Map<String, String> readUser(@Path String username) {
    return Map.of("username", username);
  }
}
