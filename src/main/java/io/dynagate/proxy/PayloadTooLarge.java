package io.dynagate.proxy;

/** Raised by {@link LimitedReadStream} when a streamed body passes the configured limit. */
final class PayloadTooLarge extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PayloadTooLarge() {
    super("request body over the limit", null, false, false);
  }
}
