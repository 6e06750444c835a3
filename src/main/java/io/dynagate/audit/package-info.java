/**
 * The admin audit trail: who changed what in the registry, when, in which request, with a
 * field-level diff that never holds a secret.
 *
 * <p>The registry services ({@code connection}, {@code grant}, {@code apikey}) write a record with
 * {@link io.dynagate.audit.AuditTrail#transaction} in the same transaction as the change, so a
 * change without its record (or a record of a rolled-back change) cannot exist; the log line on
 * {@code io.dynagate.audit} follows the commit. Every write names its {@link
 * io.dynagate.audit.Actor}: resources take it from the request ({@link
 * io.dynagate.audit.CurrentActor}), code without a request passes one explicitly ({@link
 * io.dynagate.audit.Actor#PROVISIONING}).
 *
 * <p>Imports {@code problem}, {@code store} and {@code observability} only; no feature.
 */
package io.dynagate.audit;
