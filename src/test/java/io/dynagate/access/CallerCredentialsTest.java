package io.dynagate.access;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dynagate.access.CallerCredentials.ApiKey;
import io.dynagate.access.CallerCredentials.NotAnApiKey;
import io.dynagate.access.CallerCredentials.Outcome;
import io.dynagate.access.CallerCredentials.Refused;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.aggregator.ArgumentsAccessor;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which credential the {@code X-Api-Key} and {@code Authorization} headers amount to (contract
 * section 2), for every combination of the values OData clients and confused callers send.
 */
class CallerCredentialsTest {
  private static final String ISSUER = "https://idp.example.com/realms/dynagate";
  private static final String AUDIENCE = "dynagate";

  private static final String KEY = "dgk_" + "A".repeat(43);
  private static final String OTHER = "dgk_" + "B".repeat(43);
  private static final String BOOT = "bootstrap-admin-key-0123456789";

  /** Header value symbols used in the table below. */
  private static final Map<String, String> SYMBOLS =
      Map.ofEntries(
          Map.entry("KEY", KEY),
          Map.entry("OTHER", OTHER),
          Map.entry("BOOT", BOOT),
          Map.entry("JUNK", "not-an-api-key"),
          Map.entry("OPAQUE", "EwBwA8l6BAAUO9chh8cJscQLmU+LSWpbnr0vmwwAAQ"),
          Map.entry(
              "FOREIGN_JWT",
              jwt("https://login.microsoftonline.com/t/v2.0", "https://x.crm.dynamics.com")),
          Map.entry("GW_JWT", jwt(ISSUER, AUDIENCE)),
          Map.entry("CREDS", Base64.getEncoder().encodeToString(("engine:" + KEY).getBytes())),
          Map.entry("TAB", "\t"));

  /** Longest names first, so that no name is read as part of another. */
  private static final Pattern SYMBOL =
      Pattern.compile(
          String.join(
              "|", SYMBOLS.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()));

  /** The X-Api-Key variants, one per expected column of the table. */
  private static final List<List<String>> API_KEY_COLUMNS =
      List.of(
          List.of(),
          List.of("KEY"),
          List.of("  KEY  "),
          List.of("BOOT"),
          List.of("JUNK"),
          List.of(""),
          List.of("   "),
          List.of("KEY", "KEY"),
          List.of("KEY", "OTHER"));

  private static final Predicate<String> IS_API_KEY = v -> v.startsWith("dgk_") || v.equals(BOOT);
  private static final Predicate<String> IS_GATEWAY_JWT =
      new GatewayJwts(Optional.of(ISSUER), List.of(AUDIENCE))::test;

  /**
   * Rows: the Authorization values ({@code -} none, {@code &} between two values). Columns: the
   * outcome for each X-Api-Key variant of {@link #API_KEY_COLUMNS}: {@code none} = no API key (the
   * JWT mechanism decides), {@code key:X} = the API key X, else the refusal.
   */
  @ParameterizedTest(name = "Authorization: {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # Authorization            | (none)    | KEY         | '  KEY  '   | BOOT        | JUNK        | ''         | '   '      | KEY,KEY | KEY,OTHER
          -                          | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer KEY                 | key:KEY   | key:KEY     | key:KEY     | KEYS_DIFFER | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          bearer KEY                 | key:KEY   | key:KEY     | key:KEY     | KEYS_DIFFER | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          BEARER KEY                 | key:KEY   | key:KEY     | key:KEY     | KEYS_DIFFER | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          '  Bearer   KEY  '         | key:KEY   | key:KEY     | key:KEY     | KEYS_DIFFER | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer OTHER               | key:OTHER | KEYS_DIFFER | KEYS_DIFFER | KEYS_DIFFER | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer BOOT                | key:BOOT  | KEYS_DIFFER | KEYS_DIFFER | key:BOOT    | KEYS_DIFFER | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer OPAQUE              | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer FOREIGN_JWT         | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer GW_JWT              | none      | KEY_AND_JWT | KEY_AND_JWT | KEY_AND_JWT | KEY_AND_JWT | EMPTY      | EMPTY      | TWICE   | TWICE
          bEaReR GW_JWT              | none      | KEY_AND_JWT | KEY_AND_JWT | KEY_AND_JWT | KEY_AND_JWT | EMPTY      | EMPTY      | TWICE   | TWICE
          Basic CREDS                | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          ''                         | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer                     | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          'Bearer    '               | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          BearerKEY                  | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          BearerTABKEY               | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          KEY                        | none      | key:KEY     | key:KEY     | key:BOOT    | key:JUNK    | EMPTY      | EMPTY      | TWICE   | TWICE
          Bearer KEY & Bearer KEY    | AUTH_TWICE| AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE | AUTH_TWICE | TWICE   | TWICE
          Bearer OPAQUE & Bearer KEY | AUTH_TWICE| AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE | AUTH_TWICE | TWICE   | TWICE
          Bearer GW_JWT & Basic CREDS| AUTH_TWICE| AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE  | AUTH_TWICE | AUTH_TWICE | TWICE   | TWICE
          """)
  void theCredentialIsDecidedFromBothHeadersTogether(ArgumentsAccessor row) {
    List<String> authorization = values(row.getString(0));
    List<Executable> checks = new ArrayList<>();
    for (int column = 0; column < API_KEY_COLUMNS.size(); column++) {
      List<String> apiKeys =
          API_KEY_COLUMNS.get(column).stream().map(CallerCredentialsTest::expand).toList();
      Outcome expected = outcome(row.getString(column + 1));
      String where = "X-Api-Key " + API_KEY_COLUMNS.get(column);
      checks.add(
          () ->
              assertEquals(
                  expected,
                  CallerCredentials.classify(apiKeys, authorization, IS_API_KEY, IS_GATEWAY_JWT),
                  where));
    }
    assertAll(checks);
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          Bearer abc             | abc
          bearer abc             | abc
          BEARER abc             | abc
          '  Bearer   abc  '     | abc
          Bearer abc def         | abc def
          Bearer dgk_x.y-z_      | dgk_x.y-z_
          Bearer                 | NULL
          'Bearer '              | NULL
          'Bearer      '         | NULL
          Bearerabc              | NULL
          Basic abc              | NULL
          Token abc              | NULL
          abc                    | NULL
          ''                     | NULL
          """)
  void bearerIsTheTokenOfABearerAuthorizationInAnySchemeCase(String header, String token) {
    assertEquals(token, CallerCredentials.bearer(header));
  }

  private static List<String> values(String cell) {
    if (cell.equals("-")) {
      return List.of();
    }
    if (!cell.contains("&")) {
      return List.of(expand(cell)); // whitespace around a single value is part of the case
    }
    return Arrays.stream(cell.split("&"))
        .map(String::trim)
        .map(CallerCredentialsTest::expand)
        .toList();
  }

  /** Replaces every symbol of {@link #SYMBOLS} in a cell in one pass (whitespace as written). */
  private static String expand(String cell) {
    Matcher m = SYMBOL.matcher(cell);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(SYMBOLS.get(m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static Outcome outcome(String cell) {
    return switch (cell) {
      case "none" -> new NotAnApiKey();
      case "TWICE" -> new Refused(CallerCredentials.TWICE);
      case "AUTH_TWICE" -> new Refused(CallerCredentials.AUTHORIZATION_TWICE);
      case "EMPTY" -> new Refused(CallerCredentials.EMPTY);
      case "KEYS_DIFFER" -> new Refused(CallerCredentials.KEYS_DIFFER);
      case "KEY_AND_JWT" -> new Refused(CallerCredentials.KEY_AND_JWT);
      default -> {
        if (!cell.startsWith("key:")) {
          throw new IllegalArgumentException("unknown outcome " + cell);
        }
        yield new ApiKey(SYMBOLS.get(cell.substring(4)));
      }
    };
  }

  /** An unsigned token with the given issuer and audience (GatewayJwts never verifies). */
  private static String jwt(String iss, String aud) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes());
    String payload =
        "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"sub\":\"engine\",\"exp\":4102444800}";
    return header
        + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(new byte[64]);
  }
}
