package io.dynagate.grant;

/** CDI event fired when a grant is created, replaced or deleted, so caches drop it. */
public record GrantChanged(String connectionId, String principal) {}
