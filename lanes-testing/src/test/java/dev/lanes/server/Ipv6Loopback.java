package dev.lanes.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether this machine can bind the IPv6 loopback, for tests of {@code [::1]} addresses to skip
 * where it cannot (a container without IPv6).
 *
 * <pre>{@code assumeTrue(Ipv6Loopback.available(), "this machine cannot bind the IPv6 loopback (::1)");}</pre>
 */
public final class Ipv6Loopback {
  private Ipv6Loopback() {}

  public static boolean available() {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
