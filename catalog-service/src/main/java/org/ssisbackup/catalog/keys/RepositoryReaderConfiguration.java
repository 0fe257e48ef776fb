package org.ssisbackup.catalog.keys;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.storage.repository.WrappingKey;

/** The catalog's reader of the repository, opened with its escrow key. */
@Configuration(proxyBeanMethods = false)
class RepositoryReaderConfiguration {

    /**
     * Reads format 2 (and format 1) objects of every scope the escrow key opens. A missing key, or one that opens none
     * of the bucket's scopes, stops the catalog here with the reason.
     */
    @Bean
    RepositoryReader repositoryReader(CatalogProperties properties, BlobStore store) {
        WrappingKey.Holder key = EscrowKey.load(properties.repository());
        EscrowKey.check(key, store.objects());
        return new RepositoryReader(store.objects(), key);
    }
}
