package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FilePartStoreTest {
  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

  @Test
  void aPartWhoseMoveToDiskIsInterruptedLeavesNoFileBehind() throws Exception {
    long before = uploads();
    FilePartStore store = new FilePartStore(4, 1 << 20);
    FilePartStore.Part part = store.create("text/plain", null, StandardCharsets.UTF_8);
    part.add(Unpooled.copiedBuffer(new byte[] {1, 2, 3}), false); // in memory: under the 4-byte threshold
    assertThat(part.upload().isInMemory()).isTrue();

    Thread.currentThread().interrupt(); // as a cancelled request's thread is: the file's first write fails
    try {
      assertThatThrownBy(() -> part.add(Unpooled.copiedBuffer(new byte[] {4, 5}), false))
          .isInstanceOf(ClosedByInterruptException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(uploads()).as("the part's file was created").isEqualTo(before + 1);

    store.deleteAll();
    assertThat(uploads()).as("and deleted with the form's parts").isEqualTo(before);
  }

  @Test
  void aPartPastItsThresholdMovesToAFileWithWhatItHeld() throws Exception {
    FilePartStore store = new FilePartStore(4, 1 << 20);
    FilePartStore.Part part = store.create("text/plain", null, StandardCharsets.UTF_8);
    part.add(Unpooled.copiedBuffer(new byte[] {1, 2, 3}), false);
    part.add(Unpooled.copiedBuffer(new byte[] {4, 5}), true);
    assertThat(part.upload().isInMemory()).isFalse();
    assertThat(part.upload().get()).containsExactly(1, 2, 3, 4, 5);
    Path file = part.upload().getFile().toPath();
    store.completed(part);
    store.deleteAll();
    assertThat(file).doesNotExist();
  }

  private static long uploads() throws IOException {
    try (Stream<Path> files = Files.list(TMP)) {
      return files.filter(p -> p.getFileName().toString().startsWith("FUp_")).count();
    }
  }
}
