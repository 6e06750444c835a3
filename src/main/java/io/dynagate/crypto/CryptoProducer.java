package io.dynagate.crypto;

import io.dynagate.config.DynagateConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the key ring at start; a missing or invalid key stops the start with a clear message. */
@ApplicationScoped
public class CryptoProducer {

  @Produces
  @Singleton
  @Startup
  EncryptionKeyRing keyRing(DynagateConfig config) {
    return EncryptionKeyRing.parse(config.encryptionKeys().orElse(null));
  }

  @Produces
  @Singleton
  SecretCipher cipher(EncryptionKeyRing ring) {
    return new SecretCipher(ring);
  }
}
