package io.dynagate.problem;

/** One invalid input field of a {@code validation_failed} problem. */
public record FieldError(String field, String message) {}
