package io.dynagate.access;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.sun.net.httpserver.HttpServer;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Db;
import io.dynagate.support.JwtProfile;
import io.dynagate.support.Jwts;
import io.dynagate.support.RawHttp;
import io.dynagate.support.RawHttp.Reply;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack table a security reviewer reads: every row is one attempt to get past the gateway —
 * who calls, what they send, and what must come back. For every row the suite also checks where the
 * request went:
 *
 * <ul>
 *   <li>a refused row answers {@code application/problem+json} with the expected status, body
 *       {@code code} and {@code X-Dynagate-Error}; no data request and no token request reached the
 *       sandbox, its request log is empty, and the registry (connections, secrets, grants, API
 *       keys) is unchanged;
 *   <li>an allowed row (a positive control) reached the sandbox exactly once, with the connection's
 *       org as {@code Host}, and carries no {@code X-Dynagate-Error};
 *   <li>no row ever reaches the decoy server ({@code {trap}}), whose address the attacks use as
 *       "another host".
 * </ul>
 *
 * <p>Rows tagged {@code [nav rule]} / {@code [query rule]} need the rule that an entity-set-limited
 * grant allows no navigation beyond {@code set(key)} (except {@code $count}) and only the query
 * options {@code $select $filter $orderby $top $skip $count $skiptoken} plus {@code @alias}, with
 * no {@code /} outside quoted literals in {@code $filter}/{@code $orderby} — directly and inside
 * {@code $batch}.
 *
 * <p>To add callers that authenticate differently (a bearer JWT), implement {@link Caller} and
 * append rows; grants are made per principal name, which a JWT subject shares with API keys.
 *
 * <p>Request templates: {@code {conn}} the connection under attack (org = the sandbox), {@code
 * {other}} a second connection on the same org, {@code {org}} the org URL, {@code {trap}} the
 * decoy's {@code host:port}, {@code {readerKeyId}} the id of the reader's API key, {@code
 * {fullKey}} the full-grant principal's API key.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
class AttackSuiteTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  /** The proxy prefix of the connection under attack, up to and including the API version. */
  private static final String API = "/proxy/{conn}/api/data/v9.2/";

  /** The inner-request prefix inside a $batch. */
  private static final String IN = "/api/data/v9.2/";

  /** The gateway's (first) public base: what OData clients write into inner $batch URLs. */
  private static final String GATEWAY_BASE =
      org.eclipse.microprofile.config.ConfigProvider.getConfig()
          .getValue("dynagate.public-base-url", String.class)
          .split(",")[0]
          .trim();

  /** A seeded sandbox account (Contoso). */
  private static final String ACCOUNT = "0f9d6f4a-1c2b-4e8a-9f10-000000000001";

  // Principals and their grant on {conn} (NEIGHBOUR's is on {other}; STRANGER has none).
  static final String READER = "reader"; // read
  static final String ACCOUNTS_ONLY = "accounts-only"; // full, entitySets ["accounts"]
  static final String FULL = "full"; // full
  static final String IMPERSONATOR = "impersonator"; // full, impersonation
  static final String NEIGHBOUR = "neighbour"; // full on {other} only
  static final String STRANGER = "stranger"; // no grant anywhere
  static final String READERS_GROUP = "group:readers"; // read (JWT callers in group "readers")
  static final String ACCOUNTS_CONTACTS = "accounts-contacts"; // full, ["accounts","contacts"]
  static final String BYPASSER = "bypasser"; // full, privileges ["bypassBusinessLogic"]
  static final String PRIVILEGED_PRINCIPAL = "privileged"; // full, both privileges

  private static final String BATCH_TYPE = "Content-Type: multipart/mixed; boundary=batch_b";
  private static final String JSON = "Content-Type: application/json";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private static Trap trap;
  private World world;

  // ---------------------------------------------------------------------------------------------
  // The table
  // ---------------------------------------------------------------------------------------------

  static Stream<Arguments> attacks() {
    return Stream.of(
            readGrantWrites(),
            readGrantWritesInsideBatch(),
            entitySetEscapes(),
            bodyEscapes(),
            impersonation(),
            otherPrincipalsConnection(),
            badCredentials(),
            adminApi(),
            upstreamRedirection(),
            jwtCallers(),
            credentialsInsideBatch(),
            innerUrlsAtTheGateway(),
            privilegedHeaders())
        .flatMap(List::stream)
        .map(a -> arguments(named(a.name(), a)));
  }

  private static List<Attack> readGrantWrites() {
    Caller reader = new ApiKey(READER);
    String one = "accounts(" + ACCOUNT + ")";
    return List.of(
        row("read grant: POST accounts", reader, send("POST", API + "accounts"), forbidden()),
        row("read grant: PATCH accounts(id)", reader, send("PATCH", API + one), forbidden()),
        row(
            "read grant: PUT accounts(id)/name",
            reader,
            send("PUT", API + one + "/name"),
            forbidden()),
        row("read grant: DELETE accounts(id)", reader, req("DELETE", API + one), forbidden()),
        row(
            "read grant: lower-case method 'delete'",
            reader,
            req("delete", API + one),
            forbidden()),
        row(
            "read grant: MERGE (OData v3 update verb)",
            reader,
            send("MERGE", API + one),
            forbidden()),
        row(
            "read grant: POST with X-HTTP-Method-Override: GET",
            reader,
            send("POST", API + "accounts").with("X-HTTP-Method-Override: GET"),
            forbidden()),
        row(
            "read grant: GET with X-HTTP-Method-Override: DELETE goes up as a plain GET",
            reader,
            get(API + "accounts?$top=1").with("X-HTTP-Method-Override: DELETE"),
            reaches(200).and(upstreamSaw("GET", IN + "accounts", "x-http-method-override"))),
        row(
            "read grant: GET accounts (control)",
            reader,
            get(API + "accounts?$top=1"),
            reaches(200)));
  }

  private static List<Attack> readGrantWritesInsideBatch() {
    Caller reader = new ApiKey(READER);
    List<Attack> rows = new ArrayList<>();
    Map<String, String> writes =
        Map.of(
            "POST", "accounts",
            "PATCH", "accounts(" + ACCOUNT + ")",
            "PUT", "accounts(" + ACCOUNT + ")/name",
            "DELETE", "accounts(" + ACCOUNT + ")");
    for (String method : List.of("POST", "PATCH", "PUT", "DELETE")) {
      String target = writes.get(method);
      rows.add(
          row(
              "read grant $batch: " + method + " as a plain part",
              reader,
              batch(part("GET " + IN + "accounts"), part(method + " " + IN + target)),
              forbidden()));
      rows.add(
          row(
              "read grant $batch: " + method + " in a change set, relative URL",
              reader,
              batch(changeSet(method + " " + IN + target)),
              forbidden()));
      rows.add(
          row(
              "read grant $batch: " + method + " in a change set, absolute URL at the org",
              reader,
              batch(changeSet(method + " {org}" + IN + target)),
              forbidden()));
    }
    rows.addAll(
        List.of(
            row(
                "read grant $batch: DELETE with a relative URL without leading slash",
                reader,
                batch(changeSet("DELETE api/data/v9.2/accounts(" + ACCOUNT + ")")),
                forbidden()),
            row(
                "read grant $batch: DELETE as a plain part, absolute URL at the org",
                reader,
                batch(part("DELETE {org}" + IN + "accounts(" + ACCOUNT + ")")),
                forbidden()),
            row(
                "read grant $BATCH (upper case) with a DELETE part",
                reader,
                batchAt("$BATCH", part("DELETE " + IN + "accounts(" + ACCOUNT + ")")),
                forbidden()),
            row(
                "read grant $Batch (mixed case) with a POST in a change set",
                reader,
                batchAt("$Batch", changeSet("POST " + IN + "accounts")),
                forbidden()),
            row(
                "read grant %24batch (percent-encoded $) with a DELETE part",
                reader,
                batchAt("%24batch", part("DELETE " + IN + "accounts(" + ACCOUNT + ")")),
                refused(400, "path_not_allowed")),
            row(
                "read grant: GET on the $batch endpoint",
                reader,
                req("GET", API + "$batch"),
                forbidden()),
            row(
                "$batch: absolute inner URL at another host",
                new ApiKey(FULL),
                batch(part("GET http://{trap}" + IN + "accounts")),
                refused(400, "path_not_allowed")),
            row(
                "$batch: absolute inner URL with the org as userinfo of another host",
                new ApiKey(FULL),
                batch(part("GET {org}@{trap}" + IN + "accounts")),
                refused(400, "path_not_allowed")),
            row(
                "$batch: absolute inner URL at the org host on another port",
                new ApiKey(FULL),
                batch(part("GET {org}0" + IN + "accounts")),
                refused(400, "path_not_allowed")),
            row(
                "$batch: absolute inner URL at the org followed by //other-host",
                new ApiKey(FULL),
                batch(part("GET {org}//{trap}" + IN + "accounts")),
                refused(400, "path_not_allowed")),
            row(
                "$batch: malformed body",
                new ApiKey(FULL),
                batchBody("$batch", "--batch_b\r\nnonsense\r\n", BATCH_TYPE),
                refused(400, "bad_request")),
            row(
                "$batch: multipart Content-Type without a boundary",
                new ApiKey(FULL),
                batchBody(
                    "$batch",
                    batchText(part("GET " + IN + "accounts")),
                    "Content-Type: multipart/mixed"),
                refused(400, "bad_request")),
            row(
                "$batch: a nested $batch as an inner request",
                new ApiKey(FULL),
                batch(part("POST " + IN + "$batch")),
                refused(400, "bad_request")),
            row(
                "read grant $batch: lower-case inner method 'delete'",
                reader,
                batch(part("delete " + IN + "accounts(" + ACCOUNT + ")")),
                refused(400, "bad_request")),
            row(
                "read grant $batch: a base64-encoded part hiding a DELETE",
                reader,
                batchBody(
                    "$batch",
                    "--batch_b\r\nContent-Type: application/http\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + java.util.Base64.getEncoder()
                            .encodeToString(
                                ("DELETE " + IN + "accounts(" + ACCOUNT + ") HTTP/1.1\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII))
                        + "\r\n--batch_b--\r\n",
                    BATCH_TYPE),
                refused(400, "bad_request")),
            row(
                "read grant $batch: two boundary parameters, a DELETE under the first",
                reader,
                batchBody(
                    "$batch",
                    twoBoundaries(),
                    "Content-Type: multipart/mixed;" + " boundary=batch_a; boundary=batch_b"),
                refused(400, "bad_request")),
            row(
                "read grant $batch: two Content-Type headers, a DELETE under the second",
                reader,
                batchBody(
                    "$batch",
                    twoBoundaries(),
                    BATCH_TYPE,
                    "Content-Type: multipart/mixed; boundary=batch_a"),
                refused(400, "bad_request")),
            row(
                "read grant $batch: a DELETE part delimited by bare LF line ends",
                reader,
                batchBody(
                    "$batch",
                    "--batch_b\r\nContent-Type: application/http\r\n\r\nGET "
                        + IN
                        + "accounts HTTP/1.1\r\n\r\n"
                        + "\n--batch_b\nContent-Type: application/http\n\nDELETE "
                        + IN
                        + "accounts("
                        + ACCOUNT
                        + ") HTTP/1.1\n\n"
                        + "--batch_b--\r\n",
                    BATCH_TYPE),
                forbidden()),
            row(
                "read grant $batch: a part with two Content-Types, change set first",
                reader,
                batchBody(
                    "$batch",
                    "--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n"
                        + "Content-Type: application/http\r\n\r\nGET "
                        + IN
                        + "accounts HTTP/1.1\r\n\r\n"
                        + "--changeset_c\r\nContent-Type: application/http\r\nContent-ID: 1\r\n"
                        + "\r\nDELETE "
                        + IN
                        + "accounts("
                        + ACCOUNT
                        + ") HTTP/1.1\r\n\r\n--changeset_c--\r\n--batch_b--\r\n",
                    BATCH_TYPE),
                refused(400, "bad_request")),
            row(
                "read grant $batch: GET $metadata in a part (control)",
                reader,
                batch(part("GET " + IN + "$metadata")),
                reaches(200)),
            row(
                "read grant $batch of GETs only (control)",
                reader,
                batch(part("GET " + IN + "accounts?$top=1"), part("GET {org}" + IN + "WhoAmI")),
                reaches(200))));
    return rows;
  }

  private static List<Attack> entitySetEscapes() {
    Caller limited = new ApiKey(ACCOUNTS_ONLY);
    String one = "accounts(" + ACCOUNT + ")";
    return List.of(
        row("accounts-only: GET contacts", limited, get(API + "contacts"), forbidden()),
        row("accounts-only: POST contacts", limited, send("POST", API + "contacts"), forbidden()),
        row(
            "accounts-only $batch: GET contacts as a plain part",
            limited,
            batch(part("GET " + IN + "accounts"), part("GET " + IN + "contacts")),
            forbidden()),
        row(
            "accounts-only $batch: POST contacts in a change set",
            limited,
            batch(changeSet("POST " + IN + "accounts", "POST " + IN + "contacts")),
            forbidden()),
        row(
            "accounts-only $batch: GET contacts by absolute URL at the org",
            limited,
            batch(part("GET {org}" + IN + "contacts")),
            forbidden()),
        row(
            "accounts-only: navigation accounts(id)/contact_customer_accounts [nav rule]",
            limited,
            get(API + one + "/contact_customer_accounts"),
            forbidden()),
        row(
            "accounts-only: navigation accounts(id)/primarycontactid [nav rule]",
            limited,
            get(API + one + "/primarycontactid"),
            forbidden()),
        row(
            "accounts-only: navigation accounts(id)/primarycontactid/$ref [nav rule]",
            limited,
            get(API + one + "/primarycontactid/$ref"),
            forbidden()),
        row(
            "accounts-only: PUT accounts(id)/primarycontactid/$ref [nav rule]",
            limited,
            send("PUT", API + one + "/primarycontactid/$ref"),
            forbidden()),
        row(
            "accounts-only: navigation then $count accounts(id)/contact_customer_accounts/$count"
                + " [nav rule]",
            limited,
            get(API + one + "/contact_customer_accounts/$count"),
            forbidden()),
        row(
            "accounts-only: $expand=primarycontactid [query rule]",
            limited,
            get(API + "accounts?$expand=primarycontactid"),
            forbidden()),
        row(
            "accounts-only: $select then $expand [query rule]",
            limited,
            get(API + "accounts?$select=name&$expand=contact_customer_accounts($select=fullname)"),
            forbidden()),
        row(
            "accounts-only: upper-case $EXPAND [query rule]",
            limited,
            get(API + "accounts?$EXPAND=primarycontactid"),
            forbidden()),
        row(
            "accounts-only: percent-encoded %24expand [query rule]",
            limited, get(API + "accounts?%24expand=primarycontactid"), forbidden()),
        row(
            "accounts-only: fetchXml query option [query rule]",
            limited,
            get(
                API
                    + "accounts?fetchXml=%3Cfetch%3E%3Centity%20name%3D'contact'%3E"
                    + "%3Call-attributes%2F%3E%3C%2Fentity%3E%3C%2Ffetch%3E"),
            forbidden()),
        row(
            "accounts-only: savedQuery query option [query rule]",
            limited,
            get(API + "accounts?savedQuery=00000000-0000-0000-0000-00000000aaaa"),
            forbidden()),
        row(
            "accounts-only: userQuery query option [query rule]",
            limited,
            get(API + "accounts?userQuery=00000000-0000-0000-0000-00000000bbbb"),
            forbidden()),
        row(
            "accounts-only: $apply [query rule]",
            limited,
            get(API + "accounts?$apply=groupby((primarycontactid/fullname))"),
            forbidden()),
        row(
            "accounts-only: navigation in $filter [query rule]",
            limited,
            get(API + "accounts?$filter=primarycontactid/fullname%20eq%20'x'"),
            forbidden()),
        row(
            "accounts-only: lambda over a navigation in $filter [query rule]",
            limited,
            get(API + "accounts?$filter=contact_customer_accounts/any(c:c/fullname%20eq%20'x')"),
            forbidden()),
        row(
            "accounts-only: navigation in $filter with an encoded slash %2F [query rule]",
            limited,
            get(API + "accounts?$filter=primarycontactid%2Ffullname%20eq%20'x'"),
            forbidden()),
        row(
            "accounts-only: navigation in $filter after a literal [query rule]",
            limited,
            get(
                API
                    + "accounts?$filter=name%20eq%20'a/b'%20or%20"
                    + "primarycontactid/fullname%20eq%20'x'"),
            forbidden()),
        row(
            "accounts-only: navigation in $filter behind a backslash-quote [query rule]",
            limited,
            get(
                API
                    + "accounts?$filter=name%20eq%20'a%5C'%20or%20"
                    + "primarycontactid/fullname%20eq%20'x'"),
            forbidden()),
        row(
            "accounts-only: navigation in $orderby [query rule]",
            limited,
            get(API + "accounts?$orderby=primarycontactid/fullname"),
            forbidden()),
        row(
            "accounts-only: navigation smuggled in a parameter alias [query rule]",
            limited,
            get(API + "accounts?$filter=@p%20eq%20'x'&@p=primarycontactid/fullname"),
            forbidden()),
        row("accounts-only: unbound function WhoAmI", limited, get(API + "WhoAmI"), forbidden()),
        row(
            "accounts-only: RetrieveTotalRecordCount(EntityNames=@p1)?@p1=['contacts']",
            limited,
            get(API + "RetrieveTotalRecordCount(EntityNames=@p1)?@p1=%5B'contacts'%5D"),
            forbidden()),
        row(
            "accounts-only: bound action accounts(id)/Microsoft.Dynamics.CRM.SomeAction"
                + " [nav rule]",
            limited,
            send("POST", API + one + "/Microsoft.Dynamics.CRM.SomeAction"),
            forbidden()),
        row(
            "accounts-only: bound function on the set accounts/Microsoft.Dynamics.CRM.SomeFunction()"
                + " [nav rule]",
            limited,
            get(API + "accounts/Microsoft.Dynamics.CRM.SomeFunction()"),
            forbidden()),
        row(
            "accounts-only $batch: navigation in a part [nav rule]",
            limited,
            batch(part("GET " + IN + one + "/primarycontactid")),
            forbidden()),
        row(
            "accounts-only $batch: $expand in a part by absolute URL [query rule]",
            limited,
            batch(part("GET {org}" + IN + "accounts?$expand=primarycontactid")),
            forbidden()),
        row(
            "accounts-only $batch: Content-ID reference $1/contact_customer_accounts [nav rule]",
            limited,
            batch(changeSet("POST " + IN + "accounts", "POST $1/contact_customer_accounts")),
            forbidden()),
        row(
            "accounts-only: $select, $filter with a '/' inside a literal, $top (control)",
            limited,
            get(API + "accounts?$select=name&$filter=name%20eq%20'a/b'&$top=2"),
            reaches(200)),
        row(
            "accounts-only: $filter with an @alias and $count (control)",
            limited,
            get(API + "accounts?$filter=name%20eq%20@p&@p='Contoso%20Ltd'&$count=true"),
            reaches(ANY)),
        row(
            "accounts-only: accounts/$count (control)",
            limited,
            get(API + "accounts/$count"),
            reaches(200)),
        row(
            "accounts-only: $metadata (control: the schema is readable under every grant)",
            limited,
            get(API + "$metadata"),
            reaches(200)),
        row("accounts-only: the service document (control)", limited, get(API), reaches(200)),
        row("accounts-only: POST $metadata", limited, send("POST", API + "$metadata"), forbidden()),
        row(
            "accounts-only: $metadata with a path after it",
            limited,
            get(API + "$metadata/contacts"),
            forbidden()),
        row(
            "accounts-only: accounts(existing id) (control)",
            limited,
            get(API + one),
            reaches(200)),
        row(
            "accounts-only $batch of accounts reads (control)",
            limited,
            batch(part("GET " + IN + "accounts?$top=1"), part("GET " + IN + one)),
            reaches(200)),
        row(
            "full grant: navigation accounts(id)/primarycontactid reaches Dataverse (control)",
            new ApiKey(FULL),
            get(API + one + "/primarycontactid"),
            reaches(ANY)),
        row(
            "full grant: $expand reaches Dataverse (control)",
            new ApiKey(FULL),
            get(API + "accounts?$expand=primarycontactid"),
            reaches(ANY)));
  }

  /**
   * Write bodies that reach other sets through an entity-set grant: deep insert creates records in
   * another set, {@code @odata.bind} links (and for collections, updates) records of another set.
   */
  private static List<Attack> bodyEscapes() {
    Caller limited = new ApiKey(ACCOUNTS_ONLY);
    String one = "accounts(" + ACCOUNT + ")";
    String contact = "/contacts(0f9d6f4a-1c2b-4e8a-9f10-0000000000c1)";
    String deepInsert = "{\"name\":\"x\",\"primarycontactid\":{\"lastname\":\"planted\"}}";
    String deepInsertMany = "{\"name\":\"x\",\"contact_customer_accounts\":[{\"lastname\":\"y\"}]}";
    String bind = "{\"name\":\"x\",\"primarycontactid@odata.bind\":\"" + contact + "\"}";
    String bindMany =
        "{\"contact_customer_accounts@odata.bind\":[\"{org}/api/data/v9.2" + contact + "\"]}";
    return List.of(
        row(
            "accounts-only: POST accounts with a deep insert",
            limited,
            json("POST", API + "accounts", deepInsert),
            forbidden()),
        row(
            "accounts-only: POST accounts with a deep insert of a collection",
            limited,
            json("POST", API + "accounts", deepInsertMany),
            forbidden()),
        row(
            "accounts-only: POST accounts binding a contact",
            limited,
            json("POST", API + "accounts", bind),
            forbidden()),
        row(
            "accounts-only: PATCH accounts(id) binding a contact",
            limited,
            json("PATCH", API + one, bind),
            forbidden()),
        row(
            "accounts-only: PATCH accounts(id) binding contacts by absolute URL (collection)",
            limited,
            json("PATCH", API + one, bindMany),
            forbidden()),
        row(
            "accounts-only: PATCH with a bind name in upper case",
            limited,
            json("PATCH", API + one, bind.replace("@odata.bind", "@ODATA.BIND")),
            forbidden()),
        row(
            "accounts-only: POST accounts with a body that is not JSON",
            limited,
            new Request("POST", API + "accounts", List.of("Content-Type: text/plain"), deepInsert),
            forbidden()),
        row(
            "accounts-only: POST accounts with two JSON documents",
            limited,
            json("POST", API + "accounts", "{\"name\":\"x\"}" + deepInsert),
            forbidden()),
        row(
            "accounts-only $batch: deep insert in a change set",
            limited,
            batch(changeSetWithBody("POST " + IN + "accounts", deepInsert)),
            forbidden()),
        row(
            "accounts-only $batch: bind in a plain part",
            limited,
            batch(partWithBody("PATCH " + IN + one, bind)),
            forbidden()),
        row(
            "accounts-only: POST accounts with plain fields (control)",
            limited,
            json("POST", API + "accounts", "{\"name\":\"ok\"}"),
            reaches(204)),
        row(
            "accounts+contacts: POST accounts binding a contact (control)",
            new ApiKey(ACCOUNTS_CONTACTS),
            json("POST", API + "accounts", bind),
            reaches(ANY)),
        row(
            "full grant: POST accounts with a deep insert (control)",
            new ApiKey(FULL),
            json("POST", API + "accounts", deepInsert),
            reaches(ANY)));
  }

  private static List<Attack> impersonation() {
    Caller full = new ApiKey(FULL);
    String guid = "00000000-0000-0000-0000-0000000000ff";
    List<Attack> rows = new ArrayList<>();
    for (String header :
        List.of(
            "CallerObjectId",
            "MSCRMCallerID",
            "callerobjectid",
            "CALLEROBJECTID",
            "MsCrmCallerId")) {
      rows.add(
          row(
              "no impersonation: header " + header,
              full,
              get(API + "accounts?$top=1").with(header + ": " + guid),
              forbidden()));
    }
    rows.addAll(
        List.of(
            row(
                "no impersonation: CallerObjectId named in Connection (hop-by-hop)",
                full,
                get(API + "accounts?$top=1")
                    .with("Connection: CallerObjectId")
                    .with("CallerObjectId: " + guid),
                forbidden()),
            row(
                "no impersonation: CallerObjectId on the $batch envelope",
                full,
                batch(part("GET " + IN + "accounts")).with("CallerObjectId: " + guid),
                forbidden()),
            row(
                "no impersonation $batch: CallerObjectId in a plain part",
                full,
                batch(part("GET " + IN + "accounts", "CallerObjectId: " + guid)),
                forbidden()),
            row(
                "no impersonation $batch: mscrmcallerid (lower case) in a plain part",
                full,
                batch(part("GET " + IN + "accounts", "mscrmcallerid: " + guid)),
                forbidden()),
            row(
                "no impersonation $batch: MSCRMCALLERID in a change set part",
                full,
                batch(changeSetWith("POST " + IN + "accounts", "MSCRMCALLERID: " + guid)),
                forbidden()),
            row(
                "no impersonation $batch: CallerObjectId as a MIME part header",
                full,
                batchBody(
                    "$batch",
                    "--batch_b\r\nContent-Type: application/http\r\nCallerObjectId: "
                        + guid
                        + "\r\nContent-Transfer-Encoding: binary\r\n\r\nGET "
                        + IN
                        + "accounts HTTP/1.1\r\n\r\n--batch_b--\r\n",
                    BATCH_TYPE),
                forbidden()),
            row(
                "impersonation grant: CallerObjectId is forwarded (control)",
                new ApiKey(IMPERSONATOR),
                get(API + "accounts?$top=1").with("CallerObjectId: " + guid),
                reaches(200).and(upstreamHeader("callerobjectid", guid))),
            row(
                "impersonation grant: MSCRMCallerID in a $batch part (control)",
                new ApiKey(IMPERSONATOR),
                batch(part("GET " + IN + "accounts?$top=1", "MSCRMCallerID: " + guid)),
                reaches(200))));
    return rows;
  }

  private static List<Attack> otherPrincipalsConnection() {
    String sameId = "X-Request-Id: attack-suite-same-id";
    return List.of(
        row(
            "stranger (no grant anywhere): GET on a connection granted to others",
            new ApiKey(STRANGER),
            get(API + "accounts").with(sameId),
            notFound().and(sameAsUnknownConnection())),
        row(
            "neighbour (grant on another connection): GET on this connection",
            new ApiKey(NEIGHBOUR),
            get(API + "accounts").with(sameId),
            notFound().and(sameAsUnknownConnection())),
        row(
            "neighbour: DELETE on this connection",
            new ApiKey(NEIGHBOUR),
            req("DELETE", API + "accounts(" + ACCOUNT + ")").with(sameId),
            notFound().and(sameAsUnknownConnection())),
        row(
            "neighbour: $batch on this connection",
            new ApiKey(NEIGHBOUR),
            batch(part("GET " + IN + "accounts")).with(sameId),
            notFound().and(sameAsUnknownConnection())),
        row(
            "neighbour: connection id in upper case",
            new ApiKey(NEIGHBOUR),
            get("/proxy/{CONN}/api/data/v9.2/accounts"),
            notFound()),
        row(
            "neighbour: its own connection (control)",
            new ApiKey(NEIGHBOUR),
            get("/proxy/{other}/api/data/v9.2/accounts?$top=1"),
            reaches(200)));
  }

  private static List<Attack> badCredentials() {
    Request read = get(API + "accounts?$top=1");
    return List.of(
        row("revoked key of a full grant", new RevokedApiKey(FULL), read, unauthenticated()),
        row("garbage key", RawCredential.of("X-Api-Key: garbage"), read, unauthenticated()),
        row(
            "well-formed unknown key",
            RawCredential.of("X-Api-Key: dgk_" + "A".repeat(43)),
            read,
            unauthenticated()),
        row("empty key", RawCredential.of("X-Api-Key: "), read, unauthenticated()),
        row(
            "valid key sent twice",
            new ApiKeyTwice(FULL, "X-Api-Key", "X-Api-Key"),
            read,
            unauthenticated()),
        row(
            "valid key sent twice, header names in different case",
            new ApiKeyTwice(FULL, "X-Api-Key", "x-api-key"),
            read,
            unauthenticated()),
        row(
            "valid key plus a garbage key",
            new WithExtra(new ApiKey(FULL), "X-Api-Key: garbage"),
            read,
            unauthenticated()),
        row(
            "garbage key plus a valid key",
            new WithExtraFirst(new ApiKey(FULL), "X-Api-Key: garbage"),
            read,
            unauthenticated()),
        row(
            "API key sent as a bearer token (the same credential; control)",
            new ApiKeyAsBearer(FULL),
            read,
            reaches(200).and(upstreamNeverSaw("{fullKey}"))),
        row(
            "API key plus the same key as a bearer token (control)",
            new WithExtra(new ApiKey(FULL), "Authorization: Bearer {fullKey}"),
            read,
            reaches(200).and(upstreamNeverSaw("{fullKey}"))),
        row(
            "API key plus a foreign bearer token: ignored, never forwarded (control)",
            new WithExtra(new ApiKey(FULL), "Authorization: Bearer foreign-dataverse-token-7f3a"),
            read,
            reaches(200).and(upstreamNeverSaw("foreign-dataverse-token-7f3a"))),
        row(
            "API key plus a Basic authorization: ignored, never forwarded (control)",
            new WithExtra(new ApiKey(FULL), "Authorization: Basic dXNlcjpwYXNzd29yZA=="),
            read,
            reaches(200).and(upstreamNeverSaw("dXNlcjpwYXNzd29yZA=="))),
        row(
            "API key plus another principal's API key as a bearer token",
            new WithExtra(new ApiKey(FULL), "Authorization: Bearer {readerKey}"),
            read,
            unauthenticated().and(detailSays("different credentials"))),
        row(
            "reader's API key plus the full principal's key as a bearer token",
            new WithExtra(new ApiKey(READER), "Authorization: Bearer {fullKey}"),
            req("DELETE", API + "accounts(" + ACCOUNT + ")"),
            unauthenticated().and(detailSays("different credentials"))),
        row(
            "garbage X-Api-Key plus a valid API key as a bearer token",
            new WithExtraFirst(new ApiKeyAsBearer(FULL), "X-Api-Key: garbage"),
            read,
            unauthenticated().and(detailSays("different credentials"))),
        row(
            "unknown dgk_ key as a bearer token",
            RawCredential.of("Authorization: Bearer dgk_" + "B".repeat(43)),
            read,
            unauthenticated()),
        row(
            "valid API key as a bearer token, sent twice",
            RawCredential.of("Authorization: Bearer {fullKey}", "Authorization: Bearer {fullKey}"),
            read,
            unauthenticated()),
        row(
            "Accept: application/problem+json gets the problem media type",
            Caller.ANONYMOUS,
            get(API + "accounts?$top=1").with("Accept: application/problem+json"),
            unauthenticated()),
        row(
            "valid key in the query string instead of a header",
            Caller.ANONYMOUS,
            get(API + "accounts?$top=1&api_key={fullKey}&X-Api-Key={fullKey}"),
            unauthenticated()),
        row("no credential", Caller.ANONYMOUS, read, unauthenticated()),
        row(
            "admin-role key without the caller role, with a full grant",
            new ApiKey("ops", "admin"),
            read,
            forbidden()),
        row("valid key (control)", new ApiKey(FULL), read, reaches(200)));
  }

  private static List<Attack> adminApi() {
    List<Request> calls =
        List.of(
            get("/admin/v1/connections"),
            get("/admin/v1/connections/{conn}"),
            json(
                "POST",
                "/admin/v1/connections",
                "{\"id\":\"{conn}-evil\",\"orgUrl\":\"http://{trap}\",\"auth\":{\"type\":"
                    + "\"static_token\",\"accessToken\":\"t\"}}"),
            json("PATCH", "/admin/v1/connections/{conn}", "{\"orgUrl\":\"http://{trap}\"}"),
            req("DELETE", "/admin/v1/connections/{conn}"),
            get("/admin/v1/connections/{conn}/status"),
            req("DELETE", "/admin/v1/connections/{conn}/tokens"),
            get("/admin/v1/api-keys"),
            json(
                "POST",
                "/admin/v1/api-keys",
                "{\"principal\":\"" + FULL + "\",\"roles\":[\"admin\",\"caller\"]}"),
            req("DELETE", "/admin/v1/api-keys/{readerKeyId}"),
            get("/admin/v1/connections/{conn}/grants"),
            json(
                "PUT",
                "/admin/v1/connections/{conn}/grants/" + READER,
                "{\"access\":\"full\",\"impersonation\":true}"),
            req("DELETE", "/admin/v1/connections/{conn}/grants/" + FULL));
    List<Attack> rows = new ArrayList<>();
    for (Request call : calls) {
      String what = call.method() + " " + call.target();
      rows.add(row("admin API, caller-role key: " + what, new ApiKey(FULL), call, forbidden()));
      rows.add(row("admin API, no credential: " + what, Caller.ANONYMOUS, call, unauthenticated()));
    }
    rows.add(
        row(
            "admin API, revoked admin key: POST /admin/v1/api-keys",
            new RevokedApiKey("ops", "admin"),
            calls.get(8),
            unauthenticated()));
    return rows;
  }

  /**
   * Bearer JWTs (the gateway trusts {@link io.dynagate.support.TestIssuer}): forged, expired and
   * misdirected tokens, and genuine tokens asking for more than their grants give.
   */
  private static List<Attack> jwtCallers() {
    Request read = get(API + "accounts?$top=1");
    long now = java.time.Instant.now().getEpochSecond();
    return List.of(
        row(
            "JWT: expired a minute ago",
            jwt(() -> Jwts.mint(claims(FULL, "exp", now - 60))),
            read,
            unauthenticated()),
        row(
            "JWT: not valid before ten minutes from now",
            jwt(() -> Jwts.mint(claims(FULL, "nbf", now + 600))),
            read,
            unauthenticated()),
        row(
            "JWT: without exp",
            jwt(() -> Jwts.mint(claims(FULL, "exp", null))),
            read,
            unauthenticated()),
        row(
            "JWT: signed with a foreign key under the issuer's kid",
            jwt(() -> Jwts.signedWithForeignKey(Jwts.claims(FULL))),
            read,
            unauthenticated()),
        row(
            "JWT: genuine signature, payload swapped (reader -> full)",
            jwt(() -> Jwts.tampered(Jwts.token(READER), Jwts.claims(FULL))),
            read,
            unauthenticated()),
        row("JWT: alg none", jwt(() -> Jwts.unsigned(Jwts.claims(FULL))), read, unauthenticated()),
        row(
            "JWT: HS256 with the issuer's kid",
            jwt(() -> Jwts.hmacSigned(Jwts.claims(FULL))),
            read,
            unauthenticated()),
        row(
            "JWT: signed by the trusted key for another issuer",
            jwt(() -> Jwts.mint(claims(FULL, "iss", "https://issuer.example.org/realms/evil"))),
            read,
            unauthenticated()),
        row(
            "JWT: for another audience",
            jwt(() -> Jwts.mint(claims(FULL, "aud", "some-other-app"))),
            read,
            unauthenticated()),
        row(
            "JWT: without aud",
            jwt(() -> Jwts.mint(claims(FULL, "aud", null))),
            read,
            unauthenticated()),
        row(
            "JWT: not a JWT",
            RawCredential.of("Authorization: Bearer not.a.jwt"),
            read,
            unauthenticated()),
        row(
            "JWT: valid token under the Basic scheme",
            new WithExtra(Caller.ANONYMOUS, "Authorization: Basic {fullJwt}"),
            read,
            unauthenticated()),
        row(
            "JWT: subject poses as a group (sub = group:readers)",
            jwt(() -> Jwts.token(READERS_GROUP)),
            read,
            unauthenticated()),
        row(
            "JWT: valid, plus a valid X-Api-Key",
            new WithExtra(jwt(() -> Jwts.token(FULL)), "X-Api-Key: {fullKey}"),
            read,
            unauthenticated().and(detailSays("two credentials"))),
        row(
            "JWT: a reader's, plus the full principal's X-Api-Key",
            new WithExtra(jwt(() -> Jwts.token(READER)), "X-Api-Key: {fullKey}"),
            req("DELETE", API + "accounts(" + ACCOUNT + ")"),
            unauthenticated().and(detailSays("two credentials"))),
        row(
            "JWT: reader subject DELETEs",
            jwt(() -> Jwts.token(READER)),
            req("DELETE", API + "accounts(" + ACCOUNT + ")"),
            forbidden()),
        row(
            "JWT: member of a read group, DELETE in a $batch change set",
            jwt(() -> Jwts.token("member-1", "readers")),
            batch(changeSet("DELETE " + IN + "accounts(" + ACCOUNT + ")")),
            forbidden()),
        row(
            "JWT: member of a read group, impersonation header",
            jwt(() -> Jwts.token("member-2", "readers")),
            read.with("CallerObjectId: 00000000-0000-0000-0000-0000000000bb"),
            forbidden()),
        row(
            "JWT: stranger subject",
            jwt(() -> Jwts.token(STRANGER, "nobody")),
            read.with("X-Request-Id: attack-suite-same-id"),
            notFound().and(sameAsUnknownConnection())),
        row(
            "JWT: claims role admin and group admin, on the admin API",
            jwt(
                () -> {
                  Map<String, Object> c = Jwts.claims(FULL, "admin", "readers");
                  c.put("roles", List.of("admin"));
                  return Jwts.mint(c);
                }),
            json(
                "POST",
                "/admin/v1/api-keys",
                "{\"principal\":\"" + FULL + "\",\"roles\":[\"admin\",\"caller\"]}"),
            forbidden()),
        row("JWT: full subject (control)", jwt(() -> Jwts.token(FULL)), read, reaches(200)),
        row(
            "JWT: member of a read group reads (control)",
            jwt(() -> Jwts.token("member-3", "readers")),
            read,
            reaches(200)));
  }

  /** Claims of a valid token for {@code subject} with one claim replaced (null: removed). */
  private static Map<String, Object> claims(String subject, String name, Object value) {
    Map<String, Object> c = Jwts.claims(subject);
    if (value == null) {
      c.remove(name);
    } else {
      c.put(name, value);
    }
    return c;
  }

  private static Caller jwt(Supplier<String> token) {
    return new Bearer(token);
  }

  private static List<Attack> upstreamRedirection() {
    Caller full = new ApiKey(FULL);
    Request read = get(API + "accounts?$top=1");
    return List.of(
        row(
            "Host header naming another host",
            full,
            read.with("Host: {trap}"),
            reaches(200).and(upstreamSaw("GET", IN + "accounts"))),
        row(
            "X-Forwarded-Host/-Proto/-Port naming another host",
            full,
            read.with("X-Forwarded-Host: {trap}")
                .with("X-Forwarded-Proto: http")
                .with("X-Forwarded-Port: 1"),
            reaches(200)
                .and(
                    upstreamSaw(
                        "GET",
                        IN + "accounts",
                        "x-forwarded-host",
                        "x-forwarded-proto",
                        "x-forwarded-port"))),
        row(
            "Forwarded: host= naming another host",
            full,
            read.with("Forwarded: host={trap};proto=http"),
            reaches(200).and(upstreamSaw("GET", IN + "accounts", "forwarded"))),
        row(
            "absolute-form request target at another host",
            full,
            get("http://{trap}" + API + "accounts?$top=1"),
            reaches(200).and(upstreamSaw("GET", IN + "accounts"))),
        row(
            "absolute-form request target plus Host and X-Forwarded-Host at another host",
            full,
            get("http://{trap}" + API + "accounts?$top=1")
                .with("Host: {trap}")
                .with("X-Forwarded-Host: {trap}"),
            reaches(200).and(upstreamSaw("GET", IN + "accounts", "x-forwarded-host"))),
        row(
            "X-Original-URL / X-Rewrite-URL pointing elsewhere",
            new ApiKey(ACCOUNTS_ONLY),
            read.with("X-Original-URL: " + IN + "contacts")
                .with("X-Rewrite-URL: " + IN + "contacts"),
            reaches(200)
                .and(upstreamSaw("GET", IN + "accounts", "x-original-url", "x-rewrite-url"))),
        row(
            "protocol-relative path //other-host",
            full,
            get("/proxy/{conn}//{trap}" + IN + "accounts"),
            refused(400, "path_not_allowed")),
        row(
            "absolute URL as the proxied path",
            full,
            get("/proxy/{conn}/http://{trap}" + IN + "accounts"),
            refused(400, "path_not_allowed")),
        row(
            "'@other-host' glued to the entity set name",
            full,
            get(API + "accounts@{trap}"),
            refused(400, "path_not_allowed")),
        row(
            "'@other-host' inside a key stays part of the path",
            full,
            get(API + "accounts(emailaddress1='a@{trap}')"),
            reaches(ANY)));
  }

  /**
   * Headers a client writes into {@code $batch} parts (DynamicsWebApi copies every configured
   * header into every part): the gateway's credentials, the caller's cookies and routing headers
   * never reach Dataverse, checked on the bytes the sandbox received.
   */
  private static List<Attack> credentialsInsideBatch() {
    Caller full = new ApiKey(FULL);
    String read = "GET " + IN + "accounts?$top=1";
    return List.of(
        row(
            "$batch part with X-Api-Key",
            full,
            batch(part(read, "X-Api-Key: {fullKey}")),
            reaches(200).and(upstreamNeverSaw("{fullKey}")).and(upstreamBodyHas(read))),
        row(
            "$batch part with the API key as Authorization: Bearer",
            full,
            batch(part(read, "Authorization: Bearer {fullKey}")),
            reaches(200).and(upstreamNeverSaw("{fullKey}"))),
        row(
            "$batch part with an Authorization of the caller's choosing",
            full,
            batch(part(read, "Authorization: Bearer attacker-chosen-token-91c")),
            reaches(200).and(upstreamNeverSaw("attacker-chosen-token-91c"))),
        row(
            "$batch part with a Cookie",
            full,
            batch(part(read, "Cookie: ARRAffinity=planted-cookie-5d")),
            reaches(200).and(upstreamNeverSaw("planted-cookie-5d"))),
        row(
            "$batch part with X-Forwarded-Host, Forwarded and Host naming another host",
            full,
            batch(
                part(
                    read,
                    "X-Forwarded-Host: {trap}",
                    "Forwarded: host={trap}",
                    "Host: {trap}",
                    "Proxy-Authorization: Basic cHJveHktc2VjcmV0LTJi")),
            reaches(200).and(upstreamNeverSaw("{trap}")).and(upstreamNeverSaw("cHJveHkt"))),
        row(
            "$batch part with a header named in its Connection header",
            full,
            batch(part(read, "Connection: X-Hop-Secret", "X-Hop-Secret: named-in-connection-3e")),
            reaches(200).and(upstreamNeverSaw("named-in-connection-3e"))),
        row(
            "$batch change set part with X-Api-Key and a Cookie",
            full,
            batch(
                changeSetWith("POST " + IN + "accounts", "X-Api-Key: {fullKey}")
                    .replace("Content-ID: 1\r\n", "Content-ID: 1\r\nCookie: cs-cookie-8a\r\n")),
            reaches(200).and(upstreamNeverSaw("{fullKey}")).and(upstreamNeverSaw("cs-cookie-8a"))),
        row(
            "$batch MIME part header X-Api-Key (outside the inner request)",
            full,
            batchBody(
                "$batch",
                "--batch_b\r\nContent-Type: application/http\r\nX-Api-Key: {fullKey}\r\n"
                    + "Content-Transfer-Encoding: binary\r\n\r\n"
                    + read
                    + " HTTP/1.1\r\nAccept: application/json\r\n\r\n\r\n--batch_b--\r\n",
                BATCH_TYPE),
            reaches(200).and(upstreamNeverSaw("{fullKey}"))),
        row(
            "$batch part with Transfer-Encoding: chunked (would be read differently)",
            full,
            batch(partWithBody("POST " + IN + "accounts", "{\"name\":\"x\"}"))
                .withBodyReplaced(
                    "Content-Type: application/json\r\n\r\n",
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"),
            refused(400, "bad_request")));
  }

  /**
   * Inner absolute URLs under the gateway's own public base ({@code {gw}}), the way OData clients
   * write them: this connection's are checked like relative ones and sent to the org; anything else
   * is refused with nothing sent.
   */
  private static List<Attack> innerUrlsAtTheGateway() {
    Caller full = new ApiKey(FULL);
    String here = "{gw}/proxy/{conn}" + IN;
    return List.of(
        row(
            "$batch: inner URL at this connection on the gateway (control)",
            full,
            batch(part("GET " + here + "accounts?$top=1")),
            reaches(200)
                .and(upstreamBodyHas("GET {org}" + IN + "accounts?$top=1 HTTP/1.1"))
                .and(upstreamNeverSaw("/proxy/"))),
        row(
            "$batch: gateway URL with scheme and host in upper case (control)",
            full,
            batch(part("GET {GW}/proxy/{conn}" + IN + "accounts?$top=1")),
            reaches(200).and(upstreamBodyHas("GET {org}" + IN + "accounts?$top=1 HTTP/1.1"))),
        row(
            "$batch: change set at the gateway with a $1 reference (control)",
            full,
            batch(changeSet("POST " + here + "accounts", "PATCH $1")),
            reaches(200).and(upstreamBodyHas("POST {org}" + IN + "accounts HTTP/1.1"))),
        row(
            "read grant $batch: DELETE at this connection on the gateway",
            new ApiKey(READER),
            batch(changeSet("DELETE " + here + "accounts(" + ACCOUNT + ")")),
            forbidden()),
        row(
            "accounts-only $batch: contacts at this connection on the gateway",
            new ApiKey(ACCOUNTS_ONLY),
            batch(part("GET " + here + "contacts")),
            forbidden()),
        row(
            "accounts-only $batch: $expand at this connection on the gateway [query rule]",
            new ApiKey(ACCOUNTS_ONLY),
            batch(part("GET " + here + "accounts?$expand=primarycontactid")),
            forbidden()),
        row(
            "$batch: inner URL at another connection on the gateway",
            full,
            batch(part("GET {gw}/proxy/{other}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: inner URL at this connection in upper case (another id)",
            full,
            batch(part("GET {gw}/proxy/{CONN}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: gateway URL climbing from this connection into another",
            full,
            batch(part("GET {gw}/proxy/{conn}/../{other}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: gateway URL climbing out of the API path",
            full,
            batch(part("GET " + here + "../../../../proxy/{other}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: gateway URL with an encoded slash and dots",
            full,
            batch(part("GET {gw}/proxy/{conn}%2F..%2F{other}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: the gateway's path on another host",
            full,
            batch(part("GET http://{trap}/proxy/{conn}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: the gateway base as userinfo of another host",
            full,
            batch(part("GET {gw}@{trap}/proxy/{conn}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: the gateway host on another port",
            full,
            batch(part("GET {gw}1/proxy/{conn}" + IN + "accounts")),
            refused(400, "path_not_allowed")),
        row(
            "$batch: the gateway's connection prefix without the API path",
            full,
            batch(part("GET {gw}/proxy/{conn}")),
            refused(400, "path_not_allowed")));
  }

  /** The four privileged Dataverse headers, as a client sends them. */
  private static final List<String> PRIVILEGED =
      List.of(
          "MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync",
          "MSCRM.BypassBusinessLogicExecutionStepIds: 00000000-0000-0000-0000-0000000000e1",
          "MSCRM.BypassCustomPluginExecution: true",
          "MSCRM.SuppressCallbackRegistrationExpanderJob: true");

  /**
   * Dataverse's privileged headers switch off plug-ins and flows for a write the connection's
   * application user makes: without the grant's {@code privileges} they are refused, outside and
   * inside {@code $batch}, with nothing sent.
   */
  private static List<Attack> privilegedHeaders() {
    Caller full = new ApiKey(FULL);
    String one = "accounts(" + ACCOUNT + ")";
    List<Attack> rows = new ArrayList<>();
    for (String header : PRIVILEGED) {
      String name = header.substring(0, header.indexOf(':'));
      rows.add(
          row("no privileges: " + name, full, send("PATCH", API + one).with(header), forbidden()));
      rows.add(
          row(
              "no privileges $batch: " + name + " in a change set part",
              full,
              batch(changeSetWith("PATCH " + IN + one, header)),
              forbidden()));
      rows.add(
          row(
              "no privileges $batch: " + name + " on the envelope",
              full,
              batch(changeSet("PATCH " + IN + one)).with(header),
              forbidden()));
    }
    rows.addAll(
        List.of(
            row(
                "no privileges: header name in lower case, value false",
                full,
                send("PATCH", API + one).with("mscrm.bypasscustompluginexecution: false"),
                forbidden()),
            row(
                "no privileges: named in Connection (hop-by-hop) too",
                full,
                send("PATCH", API + one)
                    .with("Connection: MSCRM.BypassCustomPluginExecution")
                    .with("MSCRM.BypassCustomPluginExecution: true"),
                forbidden()),
            row(
                "no privileges $batch: a privileged header in a GET part",
                full,
                batch(part("GET " + IN + "accounts", "MSCRM.BypassCustomPluginExecution: true")),
                forbidden()),
            row(
                "no privileges $batch: a privileged header as a MIME part header",
                full,
                batchBody(
                    "$batch",
                    "--batch_b\r\nContent-Type: application/http\r\n"
                        + "MSCRM.SuppressCallbackRegistrationExpanderJob: true\r\n"
                        + "Content-Transfer-Encoding: binary\r\n\r\nGET "
                        + IN
                        + "accounts HTTP/1.1\r\n\r\n\r\n--batch_b--\r\n",
                    BATCH_TYPE),
                forbidden()),
            row(
                "read grant: a privileged header on a read",
                new ApiKey(READER),
                get(API + "accounts?$top=1").with("MSCRM.BypassCustomPluginExecution: true"),
                forbidden()),
            row(
                "bypassBusinessLogic only: suppressFlows refused",
                new ApiKey(BYPASSER),
                send("PATCH", API + one).with(PRIVILEGED.get(3)),
                forbidden()),
            row(
                "bypassBusinessLogic only $batch: suppressFlows in a part refused",
                new ApiKey(BYPASSER),
                batch(changeSetWith("PATCH " + IN + one, PRIVILEGED.get(3))),
                forbidden()),
            row(
                "bypassBusinessLogic: BypassCustomPluginExecution forwarded (control)",
                new ApiKey(BYPASSER),
                send("PATCH", API + one).with(PRIVILEGED.get(2)),
                reaches(204).and(upstreamHeader("mscrm.bypasscustompluginexecution", "true"))),
            row(
                "both privileges: SuppressCallbackRegistrationExpanderJob forwarded (control)",
                new ApiKey(PRIVILEGED_PRINCIPAL),
                send("PATCH", API + one).with(PRIVILEGED.get(3)),
                reaches(204)
                    .and(upstreamHeader("mscrm.suppresscallbackregistrationexpanderjob", "true"))),
            row(
                "both privileges $batch: privileged headers in a part forwarded (control)",
                new ApiKey(PRIVILEGED_PRINCIPAL),
                batch(changeSetWith("PATCH " + IN + one, PRIVILEGED.get(0))),
                reaches(200).and(upstreamBodyHas(PRIVILEGED.get(0))))));
    return rows;
  }

  // ---------------------------------------------------------------------------------------------
  // The runner
  // ---------------------------------------------------------------------------------------------

  @BeforeAll
  static void startTrap() throws IOException {
    trap = new Trap();
  }

  @AfterAll
  static void stopTrap() {
    trap.stop();
  }

  @BeforeEach
  void setUp() {
    Db.clean();
    redis.execute("FLUSHDB");
    Sandbox sandbox = new Sandbox(sandboxLifecycle.server().orElseThrow().baseUrl());
    world = new World("atk-" + SEQ.incrementAndGet(), sandbox, trap);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void attack(Attack attack) throws IOException {
    // everything the row needs (keys, ids) exists before the registry snapshot
    Prepared request =
        world.prepare(attack.request(), attack.caller().credential(world), world.conn);
    String registryBefore = Db.dumpRegistry();
    world.sandbox.reset();
    trap.hits.set(0);

    Reply reply = request.send();

    String what = attack.name() + " -> " + reply.status() + " " + reply.body();
    assertEquals(0, trap.hits.get(), "a request reached another host: " + what);
    Expect expect = attack.expect();
    if (expect.reachesUpstream()) {
      assertNull(reply.header("X-Dynagate-Error"), what);
      if (expect.status() != ANY) {
        assertEquals(expect.status(), reply.status(), what);
      }
      assertEquals(1, world.sandbox.dataRequests(), "reached the org exactly once: " + what);
      List<Map<String, Object>> log = world.sandbox.requests().getList("$");
      assertEquals(1, log.size(), what);
      assertEquals(
          List.of(world.orgAuthority()), lowerCased(log.get(0)).get("host"), "upstream Host");
    } else {
      assertEquals(expect.status(), reply.status(), what);
      assertEquals(expect.code(), reply.header("X-Dynagate-Error"), what);
      assertEquals(expect.code(), JsonPath.from(reply.body()).getString("code"), what);
      assertTrue(
          String.valueOf(reply.header("Content-Type")).startsWith(problemType(request)), what);
      assertEquals(
          "dynagate." + expect.code(), JsonPath.from(reply.body()).getString("error.code"), what);
      assertEquals(0, world.sandbox.dataRequests(), "a data request reached Dataverse: " + what);
      assertEquals(0, world.sandbox.tokenRequests(), "a token was requested: " + what);
      assertEquals(List.of(), world.sandbox.requests().getList("$"), what);
      assertEquals(registryBefore, Db.dumpRegistry(), "a refused request changed the registry");
    }
    expect.extra().verify(world, attack, reply);
  }

  /**
   * A gateway-made error on the proxy path is {@code application/json} (what Dataverse clients
   * parse) unless the caller's {@code Accept} names {@code application/problem+json}; the admin API
   * always answers {@code application/problem+json}.
   */
  private static String problemType(Prepared request) {
    boolean proxy = request.target().contains("/proxy/");
    boolean asksForProblem =
        request.headers().stream()
            .anyMatch(
                h ->
                    h.toLowerCase(Locale.ROOT).startsWith("accept:")
                        && h.toLowerCase(Locale.ROOT).contains("application/problem+json"));
    return proxy && !asksForProblem ? "application/json" : "application/problem+json";
  }

  // ---------------------------------------------------------------------------------------------
  // Rows: callers, requests, expectations
  // ---------------------------------------------------------------------------------------------

  /** One attack: who calls, what is sent, what must come back. */
  record Attack(String name, Caller caller, Request request, Expect expect) {}

  private static Attack row(String name, Caller caller, Request request, Expect expect) {
    return new Attack(name, caller, request, expect);
  }

  /**
   * Who sends a request: the header lines that carry its credential (none for an anonymous caller).
   * API keys today; a bearer-token caller implements this with an {@code Authorization} line and
   * obtains its token from the {@link World}.
   */
  @FunctionalInterface
  interface Caller {
    List<String> credential(World world);

    Caller ANONYMOUS = world -> List.of();
  }

  /** A gateway API key of {@code principal} with the given roles (default: caller). */
  record ApiKey(String principal, String... roles) implements Caller {
    @Override
    public List<String> credential(World world) {
      return List.of("X-Api-Key: " + world.apiKey(principal, roles));
    }
  }

  /** A bearer JWT, made when the row runs (the issuer's address is only known then). */
  record Bearer(Supplier<String> token) implements Caller {
    @Override
    public List<String> credential(World world) {
      return List.of("Authorization: Bearer " + token.get());
    }
  }

  /** A key of {@code principal} created and then revoked through the admin API. */
  record RevokedApiKey(String principal, String... roles) implements Caller {
    @Override
    public List<String> credential(World world) {
      return List.of("X-Api-Key: " + world.revokedApiKey(principal, roles));
    }
  }

  /** A valid key sent in two header lines (the names as given). */
  record ApiKeyTwice(String principal, String firstName, String secondName) implements Caller {
    @Override
    public List<String> credential(World world) {
      String key = world.apiKey(principal);
      return List.of(firstName + ": " + key, secondName + ": " + key);
    }
  }

  /** Another caller's credential followed by an extra header line. */
  record WithExtra(Caller caller, String line) implements Caller {
    @Override
    public List<String> credential(World world) {
      List<String> all = new ArrayList<>(caller.credential(world));
      all.add(line);
      return all;
    }
  }

  /** An extra header line followed by another caller's credential. */
  record WithExtraFirst(Caller caller, String line) implements Caller {
    @Override
    public List<String> credential(World world) {
      List<String> all = new ArrayList<>(List.of(line));
      all.addAll(caller.credential(world));
      return all;
    }
  }

  /** A valid API key in {@code Authorization: Bearer}. */
  record ApiKeyAsBearer(String principal) implements Caller {
    @Override
    public List<String> credential(World world) {
      return List.of("Authorization: Bearer " + world.apiKey(principal));
    }
  }

  /** Header lines sent verbatim. */
  record RawCredential(List<String> lines) implements Caller {
    static RawCredential of(String... lines) {
      return new RawCredential(List.of(lines));
    }

    @Override
    public List<String> credential(World world) {
      return lines;
    }
  }

  /** Method, target (a template), header lines (templates) and an optional body (a template). */
  record Request(String method, String target, List<String> headers, String body) {
    Request withBodyReplaced(String from, String to) {
      if (!body.contains(from)) {
        throw new IllegalArgumentException("row body lacks " + from);
      }
      return new Request(method, target, headers, body.replace(from, to));
    }

    Request with(String headerLine) {
      List<String> all = new ArrayList<>(headers);
      all.add(headerLine);
      return new Request(method, target, List.copyOf(all), body);
    }
  }

  private static Request req(String method, String target) {
    return new Request(method, target, List.of(), null);
  }

  private static Request get(String target) {
    return req("GET", target).with("Accept: application/json");
  }

  /** A write with a small JSON body. */
  private static Request send(String method, String target) {
    return json(method, target, "{\"name\":\"attack\"}");
  }

  private static Request json(String method, String target, String body) {
    return new Request(method, target, List.of(JSON), body);
  }

  private static Request batch(String... parts) {
    return batchAt("$batch", parts);
  }

  private static Request batchAt(String segment, String... parts) {
    return batchBody(segment, batchText(parts), BATCH_TYPE);
  }

  private static Request batchBody(String segment, String body, String... contentTypes) {
    return new Request("POST", API + segment, List.of(contentTypes), body);
  }

  private static String batchText(String... parts) {
    return String.join("", parts) + "--batch_b--\r\n";
  }

  /** A top-level {@code application/http} part: {@code "METHOD target"} plus inner headers. */
  private static String part(String request, String... innerHeaders) {
    return "--batch_b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        + inner(request, List.of(innerHeaders));
  }

  /** A change set of writes with Content-IDs 1, 2, … */
  private static String changeSet(String... requests) {
    StringBuilder b =
        new StringBuilder(
            "--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n\r\n");
    int id = 1;
    for (String r : requests) {
      b.append("--changeset_c\r\nContent-Type: application/http\r\n")
          .append("Content-Transfer-Encoding: binary\r\nContent-ID: ")
          .append(id++)
          .append("\r\n\r\n")
          .append(inner(r, List.of()));
    }
    return b.append("--changeset_c--\r\n").toString();
  }

  /** A change set of one write with this JSON body. */
  private static String changeSetWithBody(String request, String json) {
    return "--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n\r\n"
        + "--changeset_c\r\nContent-Type: application/http\r\n"
        + "Content-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\n"
        + request
        + " HTTP/1.1\r\nContent-Type: application/json; type=entry\r\n\r\n"
        + json
        + "\r\n--changeset_c--\r\n";
  }

  /** A plain batch part: one request with this JSON body. */
  private static String partWithBody(String request, String json) {
    return "--batch_b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        + request
        + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
        + json
        + "\r\n";
  }

  /** A change set of one write carrying an extra inner header. */
  private static String changeSetWith(String request, String innerHeader) {
    return "--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n\r\n"
        + "--changeset_c\r\nContent-Type: application/http\r\n"
        + "Content-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\n"
        + inner(request, List.of(innerHeader))
        + "--changeset_c--\r\n";
  }

  private static String inner(String request, List<String> headers) {
    StringBuilder b = new StringBuilder(request).append(" HTTP/1.1\r\n");
    headers.forEach(h -> b.append(h).append("\r\n"));
    if (request.startsWith("GET") || request.startsWith("DELETE") || request.startsWith("delete")) {
      return b.append("Accept: application/json\r\n\r\n").toString();
    }
    return b.append("Content-Type: application/json\r\n\r\n{\"name\":\"attack\"}\r\n").toString();
  }

  /**
   * A body that means "GET accounts" under boundary {@code batch_b} but "DELETE an account" under
   * {@code batch_a}: gateway and Dataverse must not pick different boundaries.
   */
  private static String twoBoundaries() {
    return "--batch_b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        + "GET "
        + IN
        + "accounts HTTP/1.1\r\nAccept: application/json\r\n\r\n"
        + "--batch_a\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        + "DELETE "
        + IN
        + "accounts("
        + ACCOUNT
        + ") HTTP/1.1\r\n\r\n"
        + "--batch_a--\r\n"
        + "--batch_b--\r\n";
  }

  /** Any status the sandbox answers (for controls where it does not emulate the feature). */
  static final int ANY = -1;

  /** What must come back and where the request may go. */
  record Expect(int status, String code, boolean reachesUpstream, Check extra) {
    Expect and(Check more) {
      Check first = extra;
      return new Expect(
          status,
          code,
          reachesUpstream,
          (w, a, r) -> {
            first.verify(w, a, r);
            more.verify(w, a, r);
          });
    }
  }

  /** A further check of one row. */
  @FunctionalInterface
  interface Check {
    void verify(World world, Attack attack, Reply reply) throws IOException;
  }

  private static Expect refused(int status, String code) {
    return new Expect(status, code, false, (w, a, r) -> {});
  }

  private static Expect forbidden() {
    return refused(403, "forbidden");
  }

  private static Expect unauthenticated() {
    return refused(401, "unauthenticated");
  }

  private static Expect notFound() {
    return refused(404, "connection_not_found");
  }

  private static Expect reaches(int status) {
    return new Expect(status, null, true, (w, a, r) -> {});
  }

  /** The same request against an unknown connection id answers byte for byte the same. */
  private static Check sameAsUnknownConnection() {
    return (world, attack, reply) -> {
      Reply unknown =
          world
              .prepare(attack.request(), attack.caller().credential(world), "no-such-connection")
              .send();
      assertEquals(unknown.status(), reply.status());
      assertEquals(unknown.header("X-Dynagate-Error"), reply.header("X-Dynagate-Error"));
      assertEquals(unknown.header("Content-Type"), reply.header("Content-Type"));
      JsonPath a = JsonPath.from(unknown.body());
      JsonPath b = JsonPath.from(reply.body());
      for (String field : List.of("type", "title", "status", "code", "detail")) {
        assertEquals(a.getString(field), b.getString(field), field);
      }
      assertEquals(unknown.body(), reply.body(), "the whole body (same X-Request-Id)");
    };
  }

  /** The one upstream request had this method and path and none of the named headers. */
  private static Check upstreamSaw(String method, String path, String... absentHeaders) {
    return (world, attack, reply) -> {
      Map<String, Object> entry = world.sandbox.requests().getMap("[0]");
      assertEquals(method, entry.get("method"));
      assertEquals(path, entry.get("path"));
      Map<String, List<String>> headers = lowerCased(entry);
      for (String h : absentHeaders) {
        assertFalse(headers.containsKey(h), h + " must not reach Dataverse");
      }
    };
  }

  /**
   * Nothing the sandbox received (request lines, headers, bodies of the last requests) contains the
   * expanded template.
   */
  private static Check upstreamNeverSaw(String template) {
    return (world, attack, reply) -> {
      String secret = world.expand(template, world.conn);
      String received = world.sandbox.requests().prettify();
      assertFalse(received.contains(secret), secret + " reached Dataverse: " + received);
    };
  }

  /** The body of the one upstream request contains the expanded template. */
  private static Check upstreamBodyHas(String template) {
    return (world, attack, reply) -> {
      String expected = world.expand(template, world.conn);
      String body = world.sandbox.requests().getString("[0].body");
      assertTrue(body != null && body.contains(expected), expected + " not in " + body);
    };
  }

  /** The problem's detail (and the Dataverse-shaped error message) says {@code text}. */
  private static Check detailSays(String text) {
    return (world, attack, reply) -> {
      JsonPath body = JsonPath.from(reply.body());
      assertTrue(body.getString("detail").contains(text), reply.body());
      assertEquals(body.getString("detail"), body.getString("error.message"));
    };
  }

  private static Check upstreamHeader(String name, String value) {
    return (world, attack, reply) ->
        assertEquals(
            List.of(value), lowerCased(world.sandbox.requests().getMap("[0]")).get(name), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> lowerCased(Map<String, Object> entry) {
    Map<String, List<String>> out = new HashMap<>();
    ((Map<String, List<String>>) entry.get("headers"))
        .forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // The world of one row
  // ---------------------------------------------------------------------------------------------

  /**
   * A connection under attack on the sandbox org, a second connection on the same org, the grants
   * listed at the top of the class, and API keys made on first use.
   */
  static final class World {
    final String conn;
    final String other;
    final Sandbox sandbox;
    final Trap trap;
    private final Map<String, String> keys = new HashMap<>();
    private final Map<String, String> keyIds = new HashMap<>();

    World(String conn, Sandbox sandbox, Trap trap) {
      this.conn = conn;
      this.other = conn + "-other";
      this.sandbox = sandbox;
      this.trap = trap;
      createConnection(conn);
      createConnection(other);
      grant(conn, READER, Map.of("access", "read"));
      grant(conn, ACCOUNTS_ONLY, Map.of("access", "full", "entitySets", List.of("accounts")));
      grant(conn, FULL, Map.of("access", "full"));
      grant(conn, "ops", Map.of("access", "full"));
      grant(conn, IMPERSONATOR, Map.of("access", "full", "impersonation", true));
      grant(other, NEIGHBOUR, Map.of("access", "full"));
      grant(conn, READERS_GROUP, Map.of("access", "read"));
      grant(
          conn,
          ACCOUNTS_CONTACTS,
          Map.of("access", "full", "entitySets", List.of("accounts", "contacts")));
      grant(conn, BYPASSER, Map.of("access", "full", "privileges", List.of("bypassBusinessLogic")));
      grant(
          conn,
          PRIVILEGED_PRINCIPAL,
          Map.of("access", "full", "privileges", List.of("bypassBusinessLogic", "suppressFlows")));
    }

    private void createConnection(String id) {
      admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    }

    private static void grant(String connection, String principal, Map<String, Object> grant) {
      admin()
          .body(grant)
          .put("/admin/v1/connections/" + connection + "/grants/" + principal)
          .then()
          .statusCode(200);
    }

    /** {@code host:port} of the org, as Dataverse must see it in {@code Host}. */
    String orgAuthority() {
      return sandbox.baseUrl().substring(sandbox.baseUrl().indexOf("://") + 3);
    }

    /** The principal's key (made once, with roles {@code caller} unless given). */
    String apiKey(String principal, String... roles) {
      if (!keys.containsKey(principal)) {
        Map<String, Object> created = newKey(principal, roles);
        keys.put(principal, (String) created.get("key"));
        keyIds.put(principal, (String) created.get("id"));
      }
      return keys.get(principal);
    }

    String revokedApiKey(String principal, String... roles) {
      Map<String, Object> created = newKey(principal, roles);
      admin().delete("/admin/v1/api-keys/" + created.get("id")).then().statusCode(204);
      return (String) created.get("key");
    }

    private static Map<String, Object> newKey(String principal, String... roles) {
      return admin()
          .body(
              Map.of(
                  "principal",
                  principal,
                  "roles",
                  roles.length == 0 ? List.of("caller") : Arrays.asList(roles)))
          .post("/admin/v1/api-keys")
          .then()
          .statusCode(201)
          .extract()
          .jsonPath()
          .getMap("$");
    }

    String expand(String template, String connection) {
      String s =
          template
              .replace("{conn}", connection)
              .replace("{CONN}", connection.toUpperCase(Locale.ROOT))
              .replace("{other}", other)
              .replace("{org}", sandbox.baseUrl())
              .replace("{gw}", GATEWAY_BASE)
              .replace("{GW}", GATEWAY_BASE.toUpperCase(Locale.ROOT))
              .replace("{trap}", trap.authority());
      if (s.contains("{fullJwt}")) {
        s = s.replace("{fullJwt}", Jwts.token(FULL));
      }
      if (s.contains("{fullKey}")) {
        s = s.replace("{fullKey}", apiKey(FULL));
      }
      if (s.contains("{readerKey}")) {
        s = s.replace("{readerKey}", apiKey(READER));
      }
      if (s.contains("{readerKeyId}")) {
        apiKey(READER);
        s = s.replace("{readerKeyId}", keyIds.get(READER));
      }
      return s;
    }

    /** A row's request with templates filled in, {@code {conn}} = connection. */
    Prepared prepare(Request request, List<String> credential, String connection) {
      List<String> headers = new ArrayList<>();
      credential.forEach(h -> headers.add(expand(h, connection)));
      request.headers().forEach(h -> headers.add(expand(h, connection)));
      byte[] body =
          request.body() == null
              ? null
              : expand(request.body(), connection).getBytes(StandardCharsets.UTF_8);
      return new Prepared(
          request.method(), expand(request.target(), connection), List.copyOf(headers), body);
    }
  }

  /** A request ready to go on the wire. */
  record Prepared(String method, String target, List<String> headers, byte[] body) {
    Reply send() throws IOException {
      return RawHttp.exchange(RestAssured.port, method, target, headers, body);
    }
  }

  /** A decoy HTTP server on loopback standing for "another host": it counts what reaches it. */
  static final class Trap {
    final AtomicInteger hits = new AtomicInteger();
    private final HttpServer server;

    Trap() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
    }

    String authority() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    void stop() {
      server.stop(0);
    }
  }
}
