package dev.lanes.internal.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The allocator of the server's connections: Netty's pooled one unless the JVM was started with
 * {@code io.netty.allocator.type}, which then decides as it does for Netty itself. Netty 4.2's
 * default (adaptive) saves memory; pooled costs less CPU per buffer: about 6% less user CPU per
 * request in {@code benchmarks/cpu-per-request.sh}, where a request is one read buffer, one
 * response buffer and little else. Vert.x pools its transport's buffers the same way.
 *
 * <pre>{@code bootstrap.childOption(ChannelOption.ALLOCATOR, BufferAllocator.choose()); }</pre>
 *
 * <p>Internal: not API.
 */
public final class BufferAllocator {
  /** Netty's property for the default allocator. */
  static final String PROPERTY = "io.netty.allocator.type";

  private BufferAllocator() {}

  /** The allocator for the server's channels. */
  public static ByteBufAllocator choose() {
    return choose(System.getProperty(PROPERTY));
  }

  /** The allocator given the property's value (null: not set). */
  static ByteBufAllocator choose(String type) {
    return type == null ? PooledByteBufAllocator.DEFAULT : ByteBufAllocator.DEFAULT;
  }
}
