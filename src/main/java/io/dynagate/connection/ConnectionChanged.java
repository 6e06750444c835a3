package io.dynagate.connection;

/**
 * CDI event fired when a connection's credentials or endpoints change or it is deleted, so token
 * caches drop what they hold for it.
 */
public record ConnectionChanged(String connectionId, boolean deleted) {}
