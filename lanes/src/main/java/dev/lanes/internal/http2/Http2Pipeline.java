package dev.lanes.internal.http2;

import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.List;

/**
 * Where HTTP/2 enters a connection's pipeline. Three ways in:
 * <ul>
 *   <li>{@link #configure}: the connection speaks HTTP/2 from its first byte — after TLS
 *       negotiated {@code h2} by ALPN (call it from the ALPN handler's
 *       {@code configurePipeline(ctx, "h2")} instead of adding the HTTP/1.1 handlers);</li>
 *   <li>{@link #priorKnowledge}: first in a cleartext pipeline, it turns the connection into
 *       HTTP/2 when it opens with the HTTP/2 connection preface (h2c by prior knowledge) and
 *       steps aside at the first byte that differs;</li>
 *   <li>{@link #upgrade}: right in front of the HTTP/1.1 dispatcher, it answers a first request
 *       carrying {@code Upgrade: h2c} with 101 and serves that request as stream 1.</li>
 * </ul>
 * The two cleartext ones replace the HTTP/1.1 handlers they are given by name.
 *
 * <pre>{@code Http2Pipeline.configure(ctx.pipeline(), app, config, admission); // ALPN chose "h2"}</pre>
 */
public final class Http2Pipeline {
  /** The name of the HTTP/2 connection handler in the pipeline. */
  public static final String HANDLER = "h2";

  private Http2Pipeline() {}

  /** Adds the HTTP/2 connection handler last: the channel speaks HTTP/2 from now on. */
  public static void configure(ChannelPipeline pipeline, CompiledApp app, ServerConfig config, Admission admission) {
    pipeline.addLast(HANDLER, Http2ServerConnection.create(app, config, admission));
  }

  /** h2c by prior knowledge; goes first in the pipeline, in front of {@code http1Handlers}. */
  public static ChannelHandler priorKnowledge(CompiledApp app, ServerConfig config, Admission admission,
      List<String> http1Handlers) {
    return new H2cPriorKnowledge(() -> Http2ServerConnection.create(app, config, admission), http1Handlers);
  }

  /** h2c by {@code Upgrade}; goes right in front of the HTTP/1.1 dispatcher, one of {@code http1Handlers}. */
  public static ChannelHandler upgrade(CompiledApp app, ServerConfig config, Admission admission,
      List<String> http1Handlers) {
    return new H2cUpgrade(() -> Http2ServerConnection.create(app, config, admission), http1Handlers);
  }

  /** Removes the HTTP/1.1 handlers still in {@code pipeline}, the ones behind the codec first. */
  static void removeHttp1(ChannelPipeline pipeline, List<String> http1Handlers) {
    for (int i = http1Handlers.size() - 1; i >= 0; i--) {
      if (pipeline.get(http1Handlers.get(i)) != null) {
        pipeline.remove(http1Handlers.get(i));
      }
    }
  }
}
