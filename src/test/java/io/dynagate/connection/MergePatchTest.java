package io.dynagate.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** RFC 7396 appendix A, row by row, plus the nested cases the admin API relies on. */
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"a":"b"}                    | {"a":"c"}                      | {"a":"c"}
          {"a":"b"}                    | {"b":"c"}                      | {"a":"b","b":"c"}
          {"a":"b"}                    | {"a":null}                     | {}
          {"a":"b","b":"c"}            | {"a":null}                     | {"b":"c"}
          {"a":["b"]}                  | {"a":"c"}                      | {"a":"c"}
          {"a":"c"}                    | {"a":["b"]}                    | {"a":["b"]}
          {"a":{"b":"c"}}              | {"a":{"b":"d","c":null}}       | {"a":{"b":"d"}}
          {"a":[{"b":"c"}]}            | {"a":[1]}                      | {"a":[1]}
          ["a","b"]                    | ["c","d"]                      | ["c","d"]
          {"a":"b"}                    | ["c"]                          | ["c"]
          {"a":"foo"}                  | null                           | null
          {"a":"foo"}                  | "bar"                          | "bar"
          {"e":null}                   | {"a":1}                        | {"e":null,"a":1}
          [1,2]                        | {"a":"b","c":null}             | {"a":"b"}
          {}                           | {"a":{"bb":{"ccc":null}}}      | {"a":{"bb":{}}}
          {"auth":{"type":"x","t":"1"}} | {"auth":{"t":null},"id":"y"}  | {"auth":{"type":"x"},"id":"y"}
          {"a":1}                      | {}                             | {"a":1}
          {"a":{"b":1}}                | {"a":{"b":{"c":2}}}            | {"a":{"b":{"c":2}}}
          """)
  void patchFollowsRfc7396(String target, String patch, String expected) throws Exception {
    JsonNode result = MergePatch.apply(JSON.readTree(target), JSON.readTree(patch));

    assertEquals(JSON.readTree(expected), result);
  }

  @Test
  void missingTargetIsTreatedAsEmpty() throws Exception {
    assertEquals(
        JSON.readTree("{\"a\":{\"b\":1}}"),
        MergePatch.apply(null, JSON.readTree("{\"a\":{\"b\":1,\"c\":null}}")));
  }

  @Test
  void targetIsNotModified() throws Exception {
    JsonNode target = JSON.readTree("{\"a\":{\"b\":\"c\"},\"d\":1}");
    JsonNode copy = target.deepCopy();

    MergePatch.apply(target, JSON.readTree("{\"a\":{\"b\":null,\"x\":2},\"d\":null}"));

    assertEquals(copy, target);
  }

  @Test
  void resultDoesNotShareNodesWithThePatch() throws Exception {
    JsonNode patch = JSON.readTree("{\"a\":{\"b\":1}}");
    JsonNode result = MergePatch.apply(JSON.readTree("{}"), patch);

    ((com.fasterxml.jackson.databind.node.ObjectNode) result.get("a")).put("b", 2);

    assertEquals(JSON.readTree("{\"a\":{\"b\":1}}"), patch);
  }
}
