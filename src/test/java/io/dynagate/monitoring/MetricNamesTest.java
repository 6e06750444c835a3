package io.dynagate.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricNamesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "up | up",
        "max by (connection) (dynagate_connection_state{state=\"ready\"}) == 1"
            + " | dynagate_connection_state",
        "sum by (job, le) (rate(a_bucket{job=~\"$job\",connection=~\"$connection\"}"
            + "[$__rate_interval])) | a_bucket",
        "x_total / on (connection) group_left (state) y_info and z offset 5m > 0.5"
            + " | x_total,y_info,z",
        "histogram_quantile(0.99, sum by (le) (rate(h_bucket{status=~\"5..\"}[5m])))"
            + " | h_bucket",
        "min by (connection) (e) < 600 and on (connection) sum by (connection)"
            + " (increase(f_total[15m])) > 0 | e,f_total",
        "sum without (instance) (g{label=\"and or by (x)\"}) | g",
      })
  void findsTheMetricNamesOfAnExpression(String expr, String expected) {
    assertEquals(Set.of(expected.split(",")), MetricNames.inExpression(expr));
  }

  @org.junit.jupiter.api.Test
  void readsSampleNamesFromAScrape() {
    String scrape =
        "# HELP a_total A\n# TYPE a_total counter\na_total{x=\"1\"} 1.0\nb 2\n\nc_bucket{le=\"+Inf\"} 3\n";
    assertEquals(Set.of("a_total", "b", "c_bucket"), MetricNames.inScrape(scrape));
  }
}
