/** Gateway-issued API keys (contract sections 2 and 3), stored as hashes only. */
package io.dynagate.apikey;
