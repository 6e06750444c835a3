/**
 * The browser consent of authorization-code connections (PKCE S256) and its callback. Imports
 * {@code token} and {@code connection}. Threading: event loop only; nothing blocks.
 */
package io.dynagate.oauth;
