package io.dynagate.provisioning;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness contribution {@code provisioning}: DOWN until the provisioning file has been applied
 * once since the start (a replica must not take traffic for a connection it has not provisioned
 * yet); UP when no file is configured.
 */
@Readiness
@ApplicationScoped
class ProvisioningCheck implements HealthCheck {
  private final Provisioning provisioning;

  ProvisioningCheck(Provisioning provisioning) {
    this.provisioning = provisioning;
  }

  @Override
  public HealthCheckResponse call() {
    Provisioning.State state = provisioning.state();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("provisioning")
            .status(state == Provisioning.State.OFF || state == Provisioning.State.APPLIED)
            .withData("state", state.name().toLowerCase(java.util.Locale.ROOT));
    provisioning.file().ifPresent(f -> b.withData("file", f.toString()));
    if (state == Provisioning.State.APPLIED) {
      b.withData("appliedAt", provisioning.appliedAt().toString());
    }
    if (state == Provisioning.State.RETRYING) {
      b.withData("failedAttempts", provisioning.failedAttempts())
          .withData("lastFailure", provisioning.lastFailure());
    }
    return b.build();
  }
}
