package org.ssisbackup.agent;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.Repository;
import org.ssisbackup.storage.repository.ScopeKeyring;
import org.ssisbackup.storage.repository.SelfTest;
import org.ssisbackup.storage.repository.WrappingKey;

/**
 * This agent's scope of the repository, opened at start: a missing or wrong key stops the agent there with the reason.
 * A bucket that cannot be reached at start is not a reason to stop (the agent would only restart into the same
 * outage): the scope is opened at the first job instead, which fails with the reason until the bucket answers.
 */
public final class AgentRepository implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentRepository.class);

    private final ObjectStore store;
    private final String scope;
    private final WrappingKey key;
    private final List<WrappingKey> recipients;
    private final AgentProperties.Repository settings;
    private volatile Repository repository;

    public AgentRepository(ObjectStore store, String hostId, AgentProperties.Repository settings) {
        this.store = store;
        this.scope = settings.scopeOf(hostId);
        this.key = settings.wrappingKey();
        this.recipients = settings.recipients();
        this.settings = settings;
        if (settings.selfTestRounds() > 0) {
            SelfTest.Result r = SelfTest.run(settings.selfTestRounds(), Duration.ofSeconds(10));
            log.info(
                    "repository self-test passed: {} rounds of {} bytes stored and read back in {} ms",
                    r.rounds(),
                    r.bytesPerRound(),
                    r.took().toMillis());
        }
        try {
            open();
        } catch (StoreException e) {
            if (e instanceof org.ssisbackup.storage.crypto.MissingKeyException
                    || e instanceof org.ssisbackup.storage.crypto.TamperedObjectException) {
                throw e;
            }
            log.warn(
                    "the bucket cannot be reached now ({}); scope {} is opened at the first job",
                    e.getMessage(),
                    scope);
        }
    }

    /** The scope, opened (its keys created at the very first start, wrapped for the catalog and for recovery). */
    public synchronized Repository get() {
        return repository != null ? repository : open();
    }

    public String scope() {
        return scope;
    }

    private synchronized Repository open() {
        if (repository == null) {
            store.ensureBucket();
            if (!ScopeKeyring.exists(store, scope) && recipients.isEmpty()) {
                throw new IllegalStateException(
                        "scope " + scope + " has no keys yet, and creating them needs the catalog's"
                                + " public key (ssisbackup.agent.repository.catalog-public-key, CATALOG_PUBLIC_KEY): without it the"
                                + " catalog could neither verify nor rebuild what this host stores");
            }
            if (settings.recoveryPublicKey() == null
                    || settings.recoveryPublicKey().isBlank()) {
                log.warn(
                        "no recovery public key (RECOVERY_PUBLIC_KEY): a lost key file of scope {} can be recovered only"
                                + " through the catalog's escrow key",
                        scope);
            }
            repository = Repository.open(store, scope, key, recipients, settings.packTrust());
            log.info(
                    "repository scope {} opened; data key {} in use",
                    scope,
                    repository.keys().activeKeyId());
        }
        return repository;
    }

    @Override
    public void close() {
        if (repository != null) {
            repository.close();
        }
    }
}
