package io.dynagate.observability;

import io.dynagate.support.OtlpListener;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * Tracing switched on the way an operator does it, exporting to the test's {@link OtlpListener}.
 */
public class TracingProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(OtlpListener.class));
  }
}
