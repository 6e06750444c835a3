package io.dynagate.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness contribution {@code fleet-events}: DOWN while this replica is not subscribed to the
 * fleet channel. A replica that cannot hear revocations and throttle holds from the others should
 * not take traffic, even though each cache keeps its TTL backstop.
 */
@Readiness
@ApplicationScoped
class FleetEventsCheck implements HealthCheck {
  private final FleetEvents fleet;

  FleetEventsCheck(FleetEvents fleet) {
    this.fleet = fleet;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("fleet-events")
        .status(fleet.subscribed())
        .withData("channel", fleet.channel())
        .build();
  }
}
