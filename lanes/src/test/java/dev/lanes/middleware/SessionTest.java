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

  @Test
  void onlyTheSignatureAsSignedIsAccepted() {
    // Base64 decoding forgives padding and the unused low bits of the last character: the same MAC
    // would have several spellings, so one cookie could be replayed under other names
    Sessions sessions = Sessions.builder(SECRET).build();
    String good = sessions.sign("{\"user\":\"alice\"}".getBytes());
    assertThat(sessions.read(good).get("user")).contains("alice");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = good.charAt(good.length() - 1);
    char sameBits = alphabet.charAt(alphabet.indexOf(last) ^ 1); // differs in a bit the decoder drops
    for (String other : List.of(good + "=", good.substring(0, good.length() - 1) + sameBits, good + "\n")) {
      assertThat(sessions.read(other).isEmpty()).as(other).isTrue();
    }
  }
}
