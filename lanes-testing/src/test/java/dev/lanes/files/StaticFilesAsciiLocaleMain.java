package dev.lanes.files;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.nio.file.Path;

/** Serves the directory {@code args[0]} under {@code /static} and prints its file-name encoding and port. */
final class StaticFilesAsciiLocaleMain {
  private StaticFilesAsciiLocaleMain() {}

  public static void main(String[] args) throws Exception {
    App.Builder b = App.builder();
    StaticFiles.of(Path.of(args[0])).mount(b, "/static");
    Server server = Server.start(b.build(), ServerConfig.builder().host("127.0.0.1").port(0).build());
    System.out.println("JNU " + System.getProperty("sun.jnu.encoding"));
    System.out.println("PORT " + server.port());
    server.awaitClose();
  }
}
