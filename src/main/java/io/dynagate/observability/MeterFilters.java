package io.dynagate.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Filters applied to every meter the application registers, its own and its libraries'. */
final class MeterFilters {
  private MeterFilters() {}

  /**
   * Micrometer's JVM binders describe {@code process_cpu_usage} & co. with double quotes, and the
   * Prometheus registry writes them as {@code \"} in {@code # HELP} lines — an escape the text
   * format does not have, so strict parsers ({@code promtool check metrics}) reject the whole
   * scrape. Single quotes say the same.
   */
  @Produces
  @Singleton
  static MeterFilter helpTextWithoutDoubleQuotes() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String description = id.getDescription();
        if (description == null || description.indexOf('"') < 0) {
          return id;
        }
        return new Meter.Id(
            id.getName(),
            Tags.of(id.getTagsAsIterable()),
            id.getBaseUnit(),
            description.replace('"', '\''),
            id.getType());
      }
    };
  }
}
