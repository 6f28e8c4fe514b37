package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session's values and the cookie's signature, without a server. */
class SessionTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void aValueReadAsJsonIsACopyNotTheSessionsOwnNode() {
    // the live node could be changed outside the session's lock, and the change would not count as one
    Session session = Session.empty().put("cart", List.of("apple"));
    session.get("cart", ArrayNode.class).orElseThrow().add("pear");
    ((ArrayNode) session.get("cart", JsonNode.class).orElseThrow()).add("plum");
    ((ArrayNode) session.get("cart", com.fasterxml.jackson.core.TreeNode.class).orElseThrow()).add("fig");
    assertThat(session.get("cart")).contains("[\"apple\"]");
    assertThat(session.state().modified()).as("only the put").isTrue();
    Session read = Session.fromJson("{\"cart\":[\"apple\"]}".getBytes());
    read.get("cart", ArrayNode.class).orElseThrow().add("pear");
    assertThat(read.state().modified()).isFalse();
    assertThat(read.get("cart")).contains("[\"apple\"]");
  }
}
