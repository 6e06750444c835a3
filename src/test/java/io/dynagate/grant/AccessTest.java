package io.dynagate.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessTest {

  @ParameterizedTest(name = "{0}: read={1} write={2} full={3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # method | read  | write | full
          GET      | true  | true  | true
          HEAD     | true  | true  | true
          POST     | false | true  | true
          PATCH    | false | true  | true
          PUT      | false | true  | true
          DELETE   | false | false | true
          OPTIONS  | false | false | false
          TRACE    | false | false | false
          CONNECT  | false | false | false
          MERGE    | false | false | false
          PROPFIND | false | false | false
          ''       | false | false | false
          get      | true  | true  | true
          delete   | false | false | true
          """)
  void levelAllowsExactlyItsMethods(String method, boolean read, boolean write, boolean full) {
    assertEquals(read, Access.READ.allows(method), "read");
    assertEquals(write, Access.WRITE.allows(method), "write");
    assertEquals(full, Access.FULL.allows(method), "full");
  }

  @ParameterizedTest
  @CsvSource({"read, READ", "write, WRITE", "full, FULL"})
  void wireFormRoundTrips(String wire, Access access) {
    assertEquals(Optional.of(access), Access.fromWire(wire));
    assertEquals(wire, access.wire());
  }

  @ParameterizedTest
  @CsvSource({"READ", "Read", "admin", "''", "' read'"})
  void unknownWireFormIsEmpty(String wire) {
    assertEquals(Optional.empty(), Access.fromWire(wire));
  }
}
