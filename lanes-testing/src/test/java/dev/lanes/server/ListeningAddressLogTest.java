package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.App;
import dev.lanes.http.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The URL the server logs when it starts is one a user can paste: an IPv6 host in brackets (RFC
 * 3986 3.2.2), as uvicorn logs {@code http://[::1]:8000}; {@code http://::1:8000} is no URL.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListeningAddressLogTest {
  @Test
  void anIpv6HostIsBracketedInTheUrlLogged() {
    assumeTrue(Ipv6Loopback.available(), "this machine cannot bind the IPv6 loopback (::1)");
    Logger logger = (Logger) LoggerFactory.getLogger(Server.class.getName());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    boolean additive = logger.isAdditive();
    logger.setLevel(Level.INFO); // the tests' root logs WARN and up
    logger.setAdditive(false);
    logger.addAppender(appender);
    try (Server server = Server.start(App.builder().get("/", req -> Response.text("")).build(),
        ServerConfig.builder().host("::1").port(0).build())) {
      List<String> started = List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("Lanes listening on")).toList();
      assertThat(started).singleElement().asString().startsWith("Lanes listening on http://[::1]:" + server.port() + " ");
    } finally {
      logger.detachAppender(appender);
      logger.setAdditive(additive);
      logger.setLevel(level);
    }
  }

}
