package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request refused from its head (413 for a declared length past maxBodySize) reaches a client
 * that sends its whole body before it reads, as Python's http.client and many others do: the
 * server answers, shuts its side, and reads and drops the rest before it closes. Closing with the
 * body's bytes unread would reset the connection, and such a client would get a reset instead
 * of the answer (uvicorn's client gets its 413 there too).
 */
@Timeout(60)
class RefusedUploadTest {

  @Test
  void aClientThatSendsItsWholeBodyFirstStillReadsThe413() throws Exception {
    App app = App.builder().post("/up", req -> Response.text("got " + req.body().length)).build();
    int bodySize = 32 << 20; // far more than the socket buffers on both sides hold
    try (TestClient server = TestClient.start(app, ServerConfig.builder().maxBodySize(1 << 20));
        Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + bodySize + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      for (int sent = 0; sent < bodySize; sent += chunk.length) {
        out.write(chunk); // a reset from the server fails this write
      }
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer); // up to the server's FIN
      String text = answer.toString(StandardCharsets.US_ASCII);
      assertThat(text).startsWith("HTTP/1.1 413 ").contains("connection: close");
    }
  }
}
