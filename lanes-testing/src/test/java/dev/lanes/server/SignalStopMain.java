package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.http.Response;

/**
 * A server in a child JVM for {@link SignalStopTest}: the README's pattern, nothing else; with
 * the argument {@code cleanup}, main then takes 3 s to clean up (a pool closing, a queue
 * flushed) and prints {@code CLEANED}.
 */
public final class SignalStopMain {
  private SignalStopMain() {}

  public static void main(String[] args) throws Exception {
    App app = App.builder()
        .get("/slow", req -> {
          System.out.println("IN_SLOW");
          System.out.flush();
          Thread.sleep(1500);
          return Response.text("done");
        })
        .build();
    try (Server server = Server.start(app, ServerConfig.builder().port(0).build())) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      server.awaitClose();
    }
    app.close();
    if (args.length > 0 && args[0].equals("cleanup")) {
      System.out.println("CLEANUP_START");
      System.out.flush();
      Thread.sleep(3000);
      System.out.println("CLEANED");
    }
    System.out.println("MAIN_RETURNED");
    System.out.flush();
  }
}
