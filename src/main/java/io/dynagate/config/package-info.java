/** Typed gateway configuration. A leaf: it imports no feature. */
package io.dynagate.config;
