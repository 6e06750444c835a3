/** Per-connection grants (contract section 3). Imports {@code connection}'s service only. */
package io.dynagate.grant;
