package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.http.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM for {@link NettyJfrEventsTest}: starts a server, sends it one request and prints
 * {@code SERVED} with the response's status line once it has the response.
 */
public final class NettyJfrEventsMain {
  private NettyJfrEventsMain() {}

  public static void main(String[] args) throws Exception {
    App app = App.builder().get("/hello", req -> Response.text("hello")).build();
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0).build());
        Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      System.out.println("SERVED " + response.lines().findFirst().orElse(""));
    }
    app.close();
  }
}
