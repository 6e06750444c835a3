/**
 * Secrets at rest: AES-256-GCM through Tink, key id stored with each ciphertext, associated data
 * binding it to its connection and field. A leaf: it imports no feature.
 */
package io.dynagate.crypto;
