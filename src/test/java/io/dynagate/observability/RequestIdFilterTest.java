package io.dynagate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdFilterTest {
  private static final String UUID_SHAPE =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "abc",
        "a",
        "req-123",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "trace:span.1_2-3",
        "AZaz09._:-",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" // 128
      })
  void wellFormedIdIsKept(String offered) {
    assertEquals(offered, RequestIdFilter.accept(offered));
  }

  @ParameterizedTest(name = "[{0}]")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "with space",
        " leading",
        "trailing ",
        "line\nbreak",
        "trailing-newline\n",
        "carriage\rreturn",
        "injected\r\nSet-Cookie: a=b",
        "tab\there",
        "nul\u0000byte",
        "<script>",
        "a/b",
        "a,b",
        "ünïcode",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" // 129
      })
  void unsafeOrMissingIdIsReplacedWithAUuid(String offered) {
    String id = RequestIdFilter.accept(offered);

    assertNotEquals(offered, id);
    assertTrue(id.matches(UUID_SHAPE), id);
    assertEquals(id, UUID.fromString(id).toString());
  }

  @Test
  void replacementIdsAreFresh() {
    assertNotEquals(RequestIdFilter.accept(null), RequestIdFilter.accept(null));
  }
}
