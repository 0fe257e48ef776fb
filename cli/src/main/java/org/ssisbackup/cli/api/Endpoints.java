package org.ssisbackup.cli.api;

import java.nio.file.Path;

/**
 * Where the fleet's services answer and the keys this client sends them, after the config file's context, the
 * environment and the flags have been applied (in that order, the later winning).
 *
 * @param context         the context's name (for messages); null when none is used
 * @param orchestrator    the orchestrator's base URL
 * @param catalog         the catalog's base URL
 * @param apiKey          the orchestrator's key (viewer reads, operator starts jobs)
 * @param catalogKey      the catalog's read key
 * @param catalogAdminKey the catalog's admin key (verify, retention, rebuild)
 * @param caCertificate   a PEM file of the CA that signed the services' certificates (null: the JDK's trust store)
 */
public record Endpoints(
        String context,
        String orchestrator,
        String catalog,
        String apiKey,
        String catalogKey,
        String catalogAdminKey,
        Path caCertificate) {

    @Override
    public String toString() { // never the keys
        return "Endpoints[context=" + context + ", orchestrator=" + orchestrator + ", catalog=" + catalog + "]";
    }
}
