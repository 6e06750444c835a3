package io.dynagate.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The gateway as real client libraries meet it: behind a {@link FrontDoor} whose address is the
 * configured public base, so that the links the gateway writes ({@code @odata.nextLink}, {@code
 * OData-EntityId}) and the inner {@code $batch} URLs the clients write use an address that works.
 */
public class RealClientsProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(FrontDoor.class));
  }
}
