package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The encoder's record of which method each response answers, oldest first. */
class ResponseEncoderMethodsTest {
  @Test
  void pipelinedRequestsAreAnsweredInTheOrderTheyCame() {
    var methods = new ResponseEncoder.Methods();
    methods.requested(HttpMethod.GET);
    methods.requested(HttpMethod.HEAD);
    methods.requested(HttpMethod.POST);
    assertThat(methods.answered()).isEqualTo(HttpMethod.GET);
    methods.requested(HttpMethod.DELETE); // arrives while two still wait
    assertThat(methods.answered()).isEqualTo(HttpMethod.HEAD);
    assertThat(methods.answered()).isEqualTo(HttpMethod.POST);
    assertThat(methods.answered()).isEqualTo(HttpMethod.DELETE);
    assertThat(methods.answered()).as("nothing left to answer").isNull();
  }

  @Test
  void oneRequestAtATimeIsPairedWithItsOwnResponse() {
    var methods = new ResponseEncoder.Methods();
    for (HttpMethod m : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.GET}) {
      methods.requested(m);
      assertThat(methods.answered()).isEqualTo(m);
      assertThat(methods.answered()).isNull();
    }
  }
}
