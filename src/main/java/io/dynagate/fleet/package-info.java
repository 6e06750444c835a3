/** Fleet-wide notifications over Redis pub/sub. A leaf: it imports no feature. */
package io.dynagate.fleet;
