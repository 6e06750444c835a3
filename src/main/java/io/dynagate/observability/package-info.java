/** Request ids, access logs and metrics. Used by every feature; imports none. */
package io.dynagate.observability;
