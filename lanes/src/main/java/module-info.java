/**
 * Lanes: a web framework and HTTP server on Netty where blocking work runs in named, bounded,
 * observable lanes. The exported packages are the API; {@code dev.lanes.internal.*} is not
 * exported (docs/adr/0005-module-boundary.md).
 */
module dev.lanes {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.compression;
  requires io.netty.codec.http;
  requires io.netty.codec.http2;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.classes.io_uring;
  requires java.management;
  requires jdk.jfr;
  requires jakarta.validation;

  exports dev.lanes;
  exports dev.lanes.background;
  exports dev.lanes.concurrency;
  exports dev.lanes.files;
  exports dev.lanes.forms;
  exports dev.lanes.http;
  exports dev.lanes.lifespan;
  exports dev.lanes.middleware;
  exports dev.lanes.observe;
  exports dev.lanes.routing;
  exports dev.lanes.server;
  exports dev.lanes.streaming;
  exports dev.lanes.typed;
  exports dev.lanes.websocket;
}
