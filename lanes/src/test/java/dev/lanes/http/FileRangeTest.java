package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A file slice names bytes a file can have: its end must not pass a long's range. */
class FileRangeTest {
  private final Path file = Path.of("report.pdf");

  @Test
  void aSliceEndingPastALongIsRefusedWhereItIsBuilt() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ResponseBody.FileRange(file, Long.MAX_VALUE, 1))
        .withMessageContaining("offset + length");
    assertThatIllegalArgumentException().isThrownBy(() -> new ResponseBody.FileRange(file, 1, Long.MAX_VALUE));
    assertThatNoException().isThrownBy(() -> new ResponseBody.FileRange(file, Long.MAX_VALUE - 1, 1));
    assertThatNoException().isThrownBy(() -> new ResponseBody.FileRange(file, 0, Long.MAX_VALUE));
  }
}
