package io.dynagate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The field-level diff: flattening, from/to, creates, deletes, and secret names never valued. */
class ChangesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode tree(String json) throws Exception {
    return json.equals("null") ? null : JSON.readTree(json.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        // unchanged fields are left out; changed ones have from and to
        "{'a':1,'b':'x'}; {'a':1,'b':'y'}; {'b':{'from':'x','to':'y'}}",
        // nested objects are flattened to dotted names, arrays compared whole
        "{'auth':{'scopes':['s1'],'type':'t'}}; {'auth':{'scopes':['s1','s2'],'type':'t'}};"
            + " {'auth.scopes':{'from':['s1'],'to':['s1','s2']}}",
        // a field that appears or disappears goes from or to null
        "{'a':1}; {'a':1,'b':true}; {'b':{'from':null,'to':true}}",
        "{'a':1,'b':true}; {'a':1}; {'b':{'from':true,'to':null}}",
        // a create has only to, a delete only from (null fields are not named)
        "null; {'id':'c','n':null}; {'id':{'to':'c'}}",
        "{'id':'c'}; null; {'id':{'from':'c'}}",
        // the row's own timestamps are not part of the diff
        "{'updatedAt':'t1','createdAt':'t0'}; {'updatedAt':'t2','createdAt':'t0'}; {}",
        // secret names never carry a value, whatever the view held
        "{'auth':{'clientSecret':'s1'}}; {'auth':{'clientSecret':'s2'}};"
            + " {'auth.clientSecret':{'changed':true}}",
        "null; {'key':'dgk_abc','keyHash':'00ff'}; {'key':{'changed':true},'keyHash':{'changed':true}}",
        "{'refreshToken':'r','privateKey':'p'}; null;"
            + " {'privateKey':{'changed':true},'refreshToken':{'changed':true}}",
        // has* flags are not secrets
        "{'hasClientSecret':true}; {'hasClientSecret':false}; {'hasClientSecret':{'from':true,'to':false}}",
      })
  void diff(String before, String after, String expected) throws Exception {
    assertEquals(tree(expected), Changes.between(tree(before), tree(after)).json());
  }

  @ParameterizedTest
  @CsvSource({"accessToken", "auth.accessToken", "password"})
  void valuesSetByNameUnderASecretNameAreOnlyMarked(String field) throws Exception {
    assertEquals(
        tree("{'" + field + "':{'changed':true}}"),
        Changes.none().to(field, JSON.getNodeFactory().textNode("v")).json());
  }
}
