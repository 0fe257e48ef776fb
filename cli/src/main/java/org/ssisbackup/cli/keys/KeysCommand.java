package org.ssisbackup.cli.keys;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.KeyOperations;
import org.ssisbackup.storage.repository.ScopeKeyring;
import org.ssisbackup.storage.repository.ScopeKeys;
import org.ssisbackup.storage.repository.WrappingKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The repository's keys (docs/repository-format.md, "Keys"). Works on the bucket directly, like restic's and Kopia's
 * key commands: the services need not run, and no key ever travels over their APIs. Nothing here prints a secret
 * except {@code new-secret} without {@code --out}, which is for piping into a secret store.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Repository keys: make them, add and remove ways into a scope, rotate and retire data keys.",
        subcommands = {
            KeysCommand.NewSecret.class,
            KeysCommand.NewEscrow.class,
            KeysCommand.NewSigning.class,
            KeysCommand.PublicKey.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Init.class,
            KeysCommand.Add.class,
            KeysCommand.Remove.class,
            KeysCommand.Rotate.class,
            KeysCommand.Retire.class
        })
public final class KeysCommand {

    /** Where a command writes what it has to say. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(
            name = "new-secret",
            mixinStandardHelpOptions = true,
            description = "Makes a key-encryption key for an agent (REPOSITORY_KEY_FILE): 32 random bytes, base64.")
    static final class NewSecret extends Base {
        @Option(names = "--out", description = "the file to write (readable by its owner only); else printed")
        Path out;

        @Override
        public Integer call() {
            String key = KeyMaterial.newSecret();
            if (out == null) {
                out().println(key);
            } else {
                KeyFiles.writePrivate(out, key);
                out().println("wrote " + out + " (key "
                        + KeyMaterial.secret(key).fingerprint() + ")");
            }
            return 0;
        }
    }

    @Command(
            name = "new-escrow",
            mixinStandardHelpOptions = true,
            description =
                    "Makes an escrow key pair (the catalog's, or the offline recovery key): writes the private key,"
                            + " prints the public key the agents are given.")
    static final class NewEscrow extends Base {
        @Option(names = "--private-out", required = true, description = "the private key file to write")
        Path privateOut;

        @Override
        public Integer call() {
            KeyMaterial.EscrowPair pair = KeyMaterial.newEscrowPair();
            KeyFiles.writePrivate(privateOut, pair.privateKey());
            out().println(pair.publicKey());
            return 0;
        }
    }

    @Command(
            name = "new-signing",
            mixinStandardHelpOptions = true,
            description = "Makes the orchestrator's command signing key pair (Ed25519): writes the private key"
                    + " (ORCHESTRATOR_SIGNING_KEY_FILE), prints the public key every agent is given"
                    + " (ORCHESTRATOR_PUBLIC_KEY).")
    static final class NewSigning extends Base {
        @Option(names = "--private-out", required = true, description = "the private key file to write")
        Path privateOut;

        @Override
        public Integer call() {
            String[] pair = org.ssisbackup.platform.messaging.MessageSignature.newKeyPair();
            KeyFiles.writePrivate(privateOut, pair[0]);
            out().println(pair[1]);
            return 0;
        }
    }

    @Command(
            name = "public-key",
            mixinStandardHelpOptions = true,
            description = "Prints the public key of a private key file: an escrow key (CATALOG_PUBLIC_KEY,"
                    + " RECOVERY_PUBLIC_KEY) or the command signing key (ORCHESTRATOR_PUBLIC_KEY).")
    static final class PublicKey extends Base {
        @ArgGroup(multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--escrow-key-file", description = "an escrow private key (catalog, recovery)")
            Path escrowKeyFile;

            @Option(names = "--signing-key-file", description = "the orchestrator's command signing key")
            Path signingKeyFile;
        }

        @Override
        public Integer call() throws java.io.IOException {
            if (which.signingKeyFile != null) {
                out().println(org.ssisbackup.platform.messaging.MessageSignature.publicKeyOf(
                        java.nio.file.Files.readString(which.signingKeyFile).strip()));
                return 0;
            }
            WrappingKey.Holder h = KeyMaterial.holder(KeyMaterial.read(which.escrowKeyFile));
            out().println(Base64.getEncoder().encodeToString(h.publicKey().getEncoded()));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the scopes and their key copies; with a key that opens them, their data keys and how"
                    + " many objects each one reads.")
    static final class ListKeys extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", description = "one scope (default: every scope)")
        String scope;

        @ArgGroup(exclusive = false)
        OptionalKey key;

        static final class OptionalKey {
            @Option(names = "--key-file")
            Path keyFile;

            @Option(names = "--escrow-key-file")
            Path escrowKeyFile;

            @Option(names = "--passphrase-env", paramLabel = "VAR")
            String passphraseEnv;
        }

        @Override
        public Integer call() {
            ObjectStore store = bucket.open();
            WrappingKey with =
                    key == null ? null : OpeningKey.of(key.keyFile, key.escrowKeyFile, key.passphraseEnv, null);
            List<String> scopes = scope == null ? ScopeKeyring.scopes(store) : List.of(scope);
            List<String> closed = new ArrayList<>();
            for (String s : scopes) {
                KeyOperations.ScopeDescription d;
                try {
                    d = KeyOperations.describe(store, s, with);
                } catch (org.ssisbackup.storage.crypto.MissingKeyException e) {
                    closed.add(s);
                    d = KeyOperations.describe(store, s, null);
                }
                out().println("scope " + d.scope());
                d.copies().forEach(c -> out().println("  copy " + c));
                for (KeyOperations.DataKeyUse k : d.dataKeys()) {
                    out().println("  data key " + k.id() + (k.active() ? " (active)" : "") + ", made " + k.created()
                            + ", reads " + k.objects() + " objects");
                }
            }
            if (!closed.isEmpty()) {
                out().println("the given key does not open: " + String.join(", ", closed));
            }
            return 0;
        }
    }

    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Creates a scope's keys (an agent does this at its first start): wrapped by the key given and"
                    + " for each recipient (the catalog's public key, the recovery key).")
    static final class Init extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", required = true)
        String scope;

        @Mixin
        OpeningKey key;

        @Option(names = "--recipient", description = "a public key to wrap the scope's keys for too (repeatable)")
        List<String> recipients = new ArrayList<>();

        @Override
        public Integer call() {
            List<WrappingKey> to = recipients.stream()
                    .map(r -> (WrappingKey) KeyMaterial.recipient(r))
                    .toList();
            ScopeKeys keys = ScopeKeyring.create(bucket.open(), scope, key.key(), to);
            out().println("scope " + scope + " created; data key " + keys.activeKeyId());
            return 0;
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Adds a way into a scope: another key file (a second operator key, another host that restores"
                    + " this scope's points), a passphrase, or a public key. Recovery: open with the recovery key"
                    + " (--escrow-key-file) and add a new key file.")
    static final class Add extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", required = true)
        String scope;

        @Mixin
        OpeningKey key;

        @ArgGroup(exclusive = true, multiplicity = "1")
        NewKey added;

        static final class NewKey {
            @Option(names = "--new-key-file", description = "a key file made with new-secret")
            Path keyFile;

            @Option(names = "--new-passphrase-env", paramLabel = "VAR")
            String passphraseEnv;

            @Option(names = "--new-passphrase", interactive = true, arity = "0")
            char[] passphrase;

            @Option(names = "--new-recipient", description = "a public key (base64)")
            String recipient;
        }

        @Override
        public Integer call() {
            WrappingKey adding = added.recipient != null
                    ? KeyMaterial.recipient(added.recipient)
                    : OpeningKey.of(added.keyFile, null, added.passphraseEnv, added.passphrase);
            ScopeKeyring.addWrapping(bucket.open(), scope, key.key(), adding);
            out().println("scope " + scope + ": added copy for " + adding);
            return 0;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Removes one copy of a scope's master key (by its name from 'keys list'); never the last one"
                    + " a key file or a passphrase opens.")
    static final class Remove extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", required = true)
        String scope;

        @Option(names = "--copy", required = true)
        String copy;

        @Override
        public Integer call() {
            KeyOperations.removeCopy(bucket.open(), scope, copy);
            out().println("scope " + scope + ": removed copy " + copy);
            return 0;
        }
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = "Makes a new data key that new writes use (at each agent's next job); nothing is rewritten"
                    + " and every older point stays readable.")
    static final class Rotate extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", required = true)
        String scope;

        @Mixin
        OpeningKey key;

        @Override
        public Integer call() {
            ScopeKeys keys = ScopeKeyring.rotate(bucket.open(), scope, key.key());
            out().println("scope " + scope + ": new writes use data key " + keys.activeKeyId());
            return 0;
        }
    }

    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = "Removes a data key that no object is written with any more (retention deleted them);"
                    + " refused, with the count, while any pack, index or manifest needs it.")
    static final class Retire extends Base {
        @Mixin
        BucketOptions bucket;

        @Option(names = "--scope", required = true)
        String scope;

        @Option(names = "--key-id", required = true)
        UUID keyId;

        @Mixin
        OpeningKey key;

        @Override
        public Integer call() {
            KeyOperations.retire(bucket.open(), scope, key.key(), keyId);
            out().println("scope " + scope + ": data key " + keyId + " retired");
            return 0;
        }
    }
}
