package dev.lanes.internal.logging;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/** Netty's logger factory, pointed at {@link System#getLogger(String)}; see {@link NettyLogging}. */
final class NettySystemLoggerFactory extends InternalLoggerFactory {
  static final NettySystemLoggerFactory INSTANCE = new NettySystemLoggerFactory();

  private NettySystemLoggerFactory() {}

  @Override
  protected InternalLogger newInstance(String name) {
    return new NettySystemLogger(System.getLogger(name));
  }
}
