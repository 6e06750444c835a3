package io.dynagate.token;

/**
 * CDI event fired after the token layer recorded something that may change a connection's state (a
 * token obtained or refused, a consent, tokens dropped), so whoever announces state changes ({@code
 * io.dynagate.health}) re-evaluates it. {@code reason} is a code, never text from the IdP: {@code
 * token_obtained}, {@code consent}, {@code tokens_dropped} or the IdP's {@code error} code.
 */
public record TokenStateTouched(String connectionId, String reason) {}
