/** Dev-mode conveniences; the only place that knows both the sandbox and the gateway. */
package io.dynagate.devmode;
