package io.dynagate.observability;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one WARN line per interval for a condition that can repeat on every request (a client
 * fault, a store that is away): {@link #admit()} says whether this occurrence writes the line and,
 * through {@link #suppressed()}, how many were left out since the last one.
 */
public final class WarnLimiter {
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());
  private final AtomicLong left = new AtomicLong();
  private final AtomicLong lastLeft = new AtomicLong();

  public WarnLimiter(java.time.Duration interval) {
    this.intervalNanos = Math.max(0, interval.toNanos());
  }

  /** True when this occurrence may write its WARN line (then {@link #suppressed()} is set). */
  public boolean admit() {
    long now = System.nanoTime();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
      lastLeft.set(left.getAndSet(0));
      return true;
    }
    left.incrementAndGet();
    return false;
  }

  /** Occurrences left out before the last admitted one. */
  public long suppressed() {
    return lastLeft.get();
  }
}
