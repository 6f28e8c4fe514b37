package dev.lanes.server;

import dev.lanes.App;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of every accepted connection: HTTP/1.x codec, body aggregation, dispatch. */
final class ChannelSetup extends ChannelInitializer<Channel> {
  private final App app;
  private final ServerConfig config;
  private final ServerState state;
  private final ChannelGroup connections;

  ChannelSetup(App app, ServerConfig config, ServerState state, ChannelGroup connections) {
    this.app = app;
    this.config = config;
    this.state = state;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(config.maxInitialLineLength())
        .setMaxHeaderSize(config.maxHeaderSize())
        .setMaxChunkSize(64 * 1024);
    ch.pipeline()
        .addLast("http", new HttpServerCodec(decoder))
        .addLast("aggregate", new HttpObjectAggregator(config.maxBodySize(), true))
        .addLast("dispatch", new HttpDispatcher(app, state));
  }
}
