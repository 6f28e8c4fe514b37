package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admission counts behind maxConnections and maxInFlight return to 0 after 1000 connections
 * (cleartext and TLS) ending every way: silent, reset mid-request or mid-handshake, answered,
 * failing handlers.
 */
@Timeout(180)
class AdmissionChurnTest {

  @Test
  void countsReturnToZeroAfterChurn() throws Exception {
    App app = App.builder()
        .get("/ok", req -> Response.text("ok"))
        .get("/throw", req -> {
          throw new IllegalStateException("boom");
        })
        .getAsync("/athrow", req -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
        .get("/slow", req -> {
          Thread.sleep(50);
          return Response.text("slow");
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0).tlsPort(0)
        .tls(Tls.selfSigned("localhost")).stopOnSignal(false).maxConnections(24).maxInFlight(3)
        .shutdownGrace(Duration.ofSeconds(2)).build());
    SSLContext ssl = TrustingTls.trustAll();
    try (app; server; ExecutorService pool = Executors.newFixedThreadPool(24)) {
      int port = server.port();
      int tlsPort = server.tlsPort().getAsInt();
      Random seeds = new Random(7);
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        long seed = seeds.nextLong();
        runs.add(pool.submit(() -> {
          one(port, tlsPort, ssl, new Random(seed));
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      Await.until(Duration.ofSeconds(20), () -> server.statistics().connections() == 0
          && server.statistics().inFlight() == 0, "counts back to 0: " + server.statistics());
      System.out.println("after churn: " + server.statistics());
    }
  }

  private static void one(int port, int tlsPort, SSLContext ssl, Random r) {
    String[] targets = {"/ok", "/throw", "/athrow", "/slow"};
    String req = "GET " + targets[r.nextInt(targets.length)] + " HTTP/1.1\r\nHost: x\r\n\r\n";
    int mode = r.nextInt(5);
    try {
      if (mode == 3 || mode == 4) {
        try (Socket raw = new Socket("127.0.0.1", tlsPort)) {
          raw.setSoLinger(true, 0);
          raw.setSoTimeout(5000);
          if (mode == 3) { // reset mid-handshake: a partial ClientHello
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00});
            raw.getOutputStream().flush();
            return;
          }
          SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(raw, "localhost", tlsPort, false);
          s.startHandshake();
          s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          if (r.nextBoolean()) {
            s.getInputStream().read(new byte[1024]);
          }
          return;
        }
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5000);
        s.setSoLinger(true, 0);
        if (mode == 0) {
          return;
        }
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(req.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (mode == 2) {
          in.read(new byte[1024]);
        }
      }
    } catch (Exception e) {
      // refused, reset: the client is gone either way
    }
  }
}
