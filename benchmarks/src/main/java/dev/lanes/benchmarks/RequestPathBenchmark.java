package dev.lanes.benchmarks;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.http1.ConnectionSetup;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.server.Transport;
import dev.lanes.observe.micrometer.CoarseClock;
import dev.lanes.observe.micrometer.LanesMetrics;
import dev.lanes.server.Compression;
import dev.lanes.server.IoTransport;
import dev.lanes.server.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The user-space cost of one keep-alive HTTP/1.1 request on one connection, without the kernel:
 * the request's bytes go into an {@link EmbeddedChannel} carrying the server's own pipeline
 * ({@link ConnectionSetup}, as the demo configures it: h2c on, compression on, Micrometer metrics
 * with a Prometheus registry), the response's bytes come out. {@code raw-netty} is the same
 * exchange through {@link RawNettyHello}'s pipeline ({@link HttpServerCodec}, aggregator, one
 * handler): the floor a Netty server pays. What this leaves out is what both pay alike in a real
 * run: the socket reads and writes (three quarters of a request's CPU on loopback, see
 * {@code benchmarks/cpu-per-request.sh}), epoll and the allocation of read buffers.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RequestPathBenchmark}, or for an A/B of
 * two builds on a busy machine, the {@link #main} driver, which counts the thread's own CPU time
 * (not wall time) per request:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.lanes.benchmarks.RequestPathBenchmark lanes /plaintext}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestPathBenchmark {
  private static final byte[] PLAINTEXT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

  @Param({"lanes", "raw-netty"})
  public String server;

  @Param({"/plaintext", "/json"})
  public String path;

  private Exchanges exchanges;

  @Setup(Level.Trial)
  public void setUp() {
    exchanges = new Exchanges(server, path);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    exchanges.close();
  }

  /** One request in, its response out; returns the response's size so that nothing is left unused. */
  @Benchmark
  public int request() {
    return exchanges.one();
  }

  /**
   * {@code [lanes|raw-netty] [path] [seconds]}: CPU nanoseconds of this thread per request,
   * after a warm-up, on a thread with Netty's fast thread-locals (as an event loop has).
   */
  public static void main(String[] args) throws InterruptedException {
    String server = args.length > 0 ? args[0] : "lanes";
    String path = args.length > 1 ? args[1] : "/plaintext";
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 10;
    Thread t = new FastThreadLocalThread(() -> {
      try (Exchanges exchanges = new Exchanges(server, path)) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) { // the first ones warm up the JIT
          long n = 0;
          long cpu0 = threads.getCurrentThreadCpuTime();
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) / 5;
          while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
              exchanges.one();
            }
            n += 1000;
          }
          long cpu = threads.getCurrentThreadCpuTime() - cpu0;
          System.out.printf("%s %s round %d: %d requests, %.1f ns CPU per request%n", server, path, round, n,
              (double) cpu / n);
        }
      }
    }, "request-path");
    t.start();
    t.join();
  }

  /** One connection of {@code server} and the request it is sent again and again. */
  static final class Exchanges implements AutoCloseable {
    private final EmbeddedChannel channel;
    private final ByteBuf request;
    private final AutoCloseable resources;

    Exchanges(String server, String path) {
      request = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(("GET " + path + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:8080\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      switch (server) {
        case "lanes" -> {
          CoarseClock clock = CoarseClock.start(Duration.ofSeconds(1));
          var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
          LanesMetrics metrics = LanesMetrics.create();
          App app = App.builder()
              .listener(metrics)
              .getAsync("/plaintext", req -> CompletableFuture.completedFuture(Response.text("Hello, World!")))
              .getAsync("/json", req -> CompletableFuture.completedFuture(
                  Response.json(Map.of("message", "Hello, World!"))))
              .build();
          metrics.monitor(app).bindTo(registry);
          ServerConfig config = ServerConfig.builder().h2c(true).compression(Compression.on()).build();
          Admission admission = new Admission(config.maxInFlight(), config.maxConnections());
          ChannelHandler setup = new ConnectionSetup(AppAccess.compiled(app), config, admission,
              new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), Optional.empty(), Transport.of(IoTransport.NIO));
          channel = new EmbeddedChannel(setup);
          resources = () -> {
            app.close();
            registry.close();
            clock.close();
          };
        }
        case "raw-netty" -> {
          channel = new EmbeddedChannel(new ChannelInitializer<>() {
            @Override
            protected void initChannel(io.netty.channel.Channel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                  new RawNettyHello.HelloHandler());
            }
          });
          resources = () -> { };
        }
        default -> throw new IllegalArgumentException("server: lanes or raw-netty, not " + server);
      }
      if (one() == 0 || !new String(lastResponse, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException(server + " " + path + " did not answer 200: "
            + new String(lastResponse, StandardCharsets.US_ASCII));
      }
    }

    private byte[] lastResponse = new byte[0];

    /** Sends the request; returns the size of the response written. */
    int one() {
      channel.writeInbound(request.duplicate());
      channel.runPendingTasks();
      int size = 0;
      Object out;
      while ((out = channel.readOutbound()) != null) {
        if (out instanceof ByteBuf buf) {
          size += buf.readableBytes();
          if (lastResponse.length == 0) {
            lastResponse = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), lastResponse);
          }
        }
        ReferenceCountUtil.release(out);
      }
      return size;
    }

    @Override
    public void close() {
      channel.finishAndReleaseAll();
      try {
        resources.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
