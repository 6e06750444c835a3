package io.dynagate.health;

/** One probe: its outcome, the HTTP status Dataverse answered (null when none came), latency. */
record ProbeResult(ProbeOutcome outcome, Integer status, long latencyMs) {}
