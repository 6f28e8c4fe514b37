package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneSlotQueueTest {
  @Test
  void elementsLeaveInTheOrderTheyCameThroughTheSlotAndBehindIt() {
    var q = new OneSlotQueue<Integer>();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.poll()).isNull();
    for (int i = 1; i <= 5; i++) {
      q.add(i);
    }
    assertThat(q.size()).isEqualTo(5);
    assertThat(q.peek()).isEqualTo(1);
    assertThat(q.poll()).isEqualTo(1);
    assertThat(q.poll()).isEqualTo(2);
    q.add(6); // arrives while three still wait
    assertThat(q.size()).isEqualTo(4);
    assertThat(q.peek()).isEqualTo(3);
    assertThat(q.poll()).isEqualTo(3);
    assertThat(q.poll()).isEqualTo(4);
    assertThat(q.poll()).isEqualTo(5);
    assertThat(q.poll()).isEqualTo(6);
    assertThat(q.poll()).isNull();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.size()).isZero();
  }

  @Test
  void oneAtATimeStaysInTheSlot() {
    var q = new OneSlotQueue<String>();
    for (String s : new String[] {"a", "b", "c"}) {
      q.add(s);
      assertThat(q.size()).isEqualTo(1);
      assertThat(q.poll()).isEqualTo(s);
      assertThat(q.isEmpty()).isTrue();
    }
  }
}
