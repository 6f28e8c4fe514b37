package dev.lanes.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class BufferAllocatorTest {
  @Test
  void pooledUnlessTheJvmWasToldOtherwise() {
    assertThat(BufferAllocator.choose(null)).isSameAs(PooledByteBufAllocator.DEFAULT);
    assertThat(BufferAllocator.choose("adaptive")).isSameAs(ByteBufAllocator.DEFAULT);
    assertThat(BufferAllocator.choose("unpooled")).isSameAs(ByteBufAllocator.DEFAULT);
  }
}
