package io.dynagate.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The test profile plus a {@link TestIssuer}: bearer JWT callers are accepted. */
public class JwtProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(TestIssuer.class));
  }
}
