package org.ssisbackup.cli.keys;

import java.nio.file.Path;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.WrappingKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The key that opens a scope: a key file (an agent's), an escrow private key (the catalog's, the recovery key), or a passphrase. */
public final class OpeningKey {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--key-file", description = "a key file (32 bytes of base64, as REPOSITORY_KEY_FILE)")
        Path keyFile;

        @Option(
                names = "--escrow-key-file",
                description = "an escrow private key file: the catalog's, or the offline recovery key")
        Path escrowKeyFile;

        @Option(
                names = "--passphrase-env",
                paramLabel = "VAR",
                description = "the passphrase, from this environment variable")
        String passphraseEnv;

        @Option(names = "--passphrase", interactive = true, arity = "0", description = "asks for the passphrase")
        char[] passphrase;
    }

    WrappingKey key() {
        return of(choice.keyFile, choice.escrowKeyFile, choice.passphraseEnv, choice.passphrase);
    }

    static WrappingKey of(Path keyFile, Path escrowKeyFile, String passphraseEnv, char[] passphrase) {
        if (keyFile != null) {
            return KeyMaterial.secret(KeyMaterial.read(keyFile));
        }
        if (escrowKeyFile != null) {
            return KeyMaterial.holder(KeyMaterial.read(escrowKeyFile));
        }
        if (passphraseEnv != null) {
            String p = System.getenv(passphraseEnv);
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + passphraseEnv + " is not set");
            }
            return new WrappingKey.Phrase(p.toCharArray());
        }
        return new WrappingKey.Phrase(passphrase);
    }
}
