package dev.lanes.middleware;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** The JDK's resolver, recording every name it is asked to look up (for ProxyHeadersNoDnsTest). */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
  public static final List<String> LOOKUPS = new CopyOnWriteArrayList<>();
  public static final List<String> THREADS = new CopyOnWriteArrayList<>();

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        LOOKUPS.add(host);
        THREADS.add(host + " on " + Thread.currentThread().getName());
        return builtin.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "lanes-test-recording";
  }
}
