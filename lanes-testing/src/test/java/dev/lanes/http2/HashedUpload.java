package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upload sent over HTTP/2 by Netty's client to a route that hashes its streamed body as it
 * arrives, answering its length and SHA-256: the body must reach the handler whole, and the server
 * must never hold more of it unread than the stream window it announced.
 */
final class HashedUpload {
  private HashedUpload() {}

  /** {@code size} bytes of a pattern that repeats nowhere near a window's length. */
  static byte[] bytes(int size) {
    byte[] upload = new byte[size];
    for (int i = 0; i < upload.length; i++) {
      upload[i] = (byte) (i * 31 + (i >>> 10));
    }
    return upload;
  }

  /** Sends {@code upload} to a server of {@code config}; at most {@code window} bytes held unread. */
  static void assertArrivesWhole(ServerConfig.Builder config, byte[] upload, int window) throws Exception {
    AtomicInteger maxHeld = new AtomicInteger();
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
    try (TestClient server = TestClient.start(hashing(maxHeld), config);
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream s = client.open(client.head("POST", "/hash"), upload, true);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.text()).isEqualTo(upload.length + " " + digest);
    }
    assertThat(maxHeld.get()).as("bytes the server held unread").isLessThanOrEqualTo(window);
  }

  /** A route that hashes its streamed body, noting the most bytes it ever found waiting unread. */
  private static App hashing(AtomicInteger maxHeld) {
    return App.builder()
        .route("POST", "/hash", RouteOptions.defaults().streamedBody(1L << 30), (BlockingHandler) req -> {
          try (InputStream in = req.bodyStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
              maxHeld.accumulateAndGet(in.available(), Math::max);
              sha.update(buf, 0, n);
              total += n;
            }
            return Response.text(total + " " + HexFormat.of().formatHex(sha.digest()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })
        .build();
  }
}
