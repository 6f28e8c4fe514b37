package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.observe.micrometer.LanesMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The meters read from an app (its lanes, its background runner) are those of the app last monitored. */
class LanesMetricsMonitorTest {

  /**
   * Monitoring a new app on the same registry, the first one closed (a restart, a test reusing the
   * registry), reports the new app's lanes, not the closed app's.
   */
  @Test
  void monitoringANewAppReportsItsLanesNotTheClosedOnes() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics metrics = LanesMetrics.create();
    metrics.bindTo(registry);
    App first = App.builder().listener(metrics).lane(Lane.builder("db").capacity(5)).build();
    metrics.monitor(first);
    first.close();
    App second = App.builder().listener(metrics).lane(Lane.builder("db").capacity(7)).build();
    try {
      metrics.monitor(second);
      assertThat(registry.get("lanes.lane.capacity").tag("lane", "db").gauge().value()).isEqualTo(7.0);
      assertThat(registry.get("lanes.lane.capacity.max").tag("lane", "db").gauge().value()).isEqualTo(7.0);
    } finally {
      second.close();
    }
  }
}
