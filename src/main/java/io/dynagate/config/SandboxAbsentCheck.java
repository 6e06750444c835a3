package io.dynagate.config;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * In a build without the sandbox (every build but dev and test), a start that asks for it fails
 * with a message: the emulator ships a well-known client secret and is left out of production
 * builds, so an operator who sets {@code DYNAGATE_SANDBOX_ENABLED} learns that it is not there
 * rather than assuming it runs.
 */
@ApplicationScoped
@UnlessBuildProfile(anyOf = {"dev", "test"})
class SandboxAbsentCheck {

  void check(@Observes StartupEvent start) {
    boolean asked =
        ConfigProvider.getConfig()
            .getOptionalValue("dynagate.sandbox.enabled", Boolean.class)
            .orElse(false);
    if (asked) {
      throw new IllegalStateException(
          "DYNAGATE_SANDBOX_ENABLED is set, but this production build has no sandbox (it ships a"
              + " well-known client secret); unset it.");
    }
  }
}
