package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.internal.http.BodySource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A produced body's writer is abandoned at most once, and never once it began writing or the
 * server claimed it to send what it describes itself.
 */
class WrittenBodyAbandonTest {
  static final class Counting implements ResponseBody.BodyWriter {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger abandons = new AtomicInteger();

    @Override
    public void writeTo(OutputStream out) throws Exception {
      writes.incrementAndGet();
      out.write('x');
    }

    @Override
    public void abandon() {
      abandons.incrementAndGet();
    }
  }

  @Test
  void abandonedOnceWhateverAsks() {
    Counting w = new Counting();
    ResponseBody.Written body = new ResponseBody.Written(w, "streaming", -1);
    assertThat(((BodySource) body.writer()).untouched()).isTrue();
    body.writer().abandon();
    body.writer().abandon();
    assertThat(w.abandons).hasValue(1);
    assertThat(((BodySource) body.writer()).untouched()).isFalse();
  }

  @Test
  void notAbandonedOnceItWroteAndWritesAgainWhenReused() throws Exception {
    Counting w = new Counting();
    ResponseBody.Written body = new ResponseBody.Written(w, "streaming", -1);
    body.writer().writeTo(new ByteArrayOutputStream());
    body.writer().abandon();
    assertThat(w.abandons).hasValue(0);
    body.writer().writeTo(new ByteArrayOutputStream()); // a stateless writer's response may be sent twice
    assertThat(w.writes).hasValue(2);
  }

  @Test
  void aWriterTheServerClaimedIsNeverAbandonedNorClaimedTwice() {
    Counting w = new Counting();
    ResponseBody.Written body = new ResponseBody.Written(w, "files", -1);
    BodySource source = (BodySource) body.writer();
    assertThat(source.claim()).isTrue();
    assertThat(source.untouched()).isFalse();
    source.abandon();
    assertThat(w.abandons).hasValue(0);
    assertThat(source.claim()).isFalse();
    ResponseBody.Written dropped = new ResponseBody.Written(new Counting(), "files", -1);
    dropped.writer().abandon();
    assertThat(((BodySource) dropped.writer()).claim()).as("abandoned first: its source is closed").isFalse();
  }

  @Test
  void wrappedOnceAndEqualForTheSameWriter() {
    Counting w = new Counting();
    ResponseBody.Written a = new ResponseBody.Written(w, "streaming", -1);
    ResponseBody.Written b = new ResponseBody.Written(a.writer(), "streaming", -1);
    assertThat(b.writer()).isSameAs(a.writer());
    assertThat(new ResponseBody.Written(w, "streaming", -1)).isEqualTo(a);
  }
}
