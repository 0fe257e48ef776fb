package org.ssisbackup.orchestrator.restore;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.ssisbackup.orchestrator.OrchestratorProperties;

/** Asks the catalog what a restore point is before anything is dispatched. */
@Component
public class CatalogClient {
    /** The parts of a restore point a restore needs. */
    public record RestorePointSummary(
            UUID id, String hostId, String status, List<ManifestSummary> manifests, List<ArtifactSummary> artifacts) {
        public RestorePointSummary {
            manifests = manifests == null ? List.of() : manifests;
            artifacts = artifacts == null ? List.of() : artifacts;
        }

        /** The format of an agent's manifest as the catalog recorded it (2 unless it recorded a format 1 one). */
        public int manifestFormat(String agent) {
            return manifests.stream()
                    .filter(m -> agent.equals(m.agent()))
                    .map(ManifestSummary::format)
                    .findFirst()
                    .orElse(2);
        }
    }

    public record ManifestSummary(String agent, int format) {}

    public record ArtifactSummary(String agent, String logicalPath) {}

    private final RestClient http;

    public CatalogClient(OrchestratorProperties properties) {
        RestClient.Builder b = RestClient.builder().baseUrl(properties.catalogUrl());
        if (properties.catalogApiKey() != null && !properties.catalogApiKey().isBlank()) {
            b.defaultHeader("X-API-Key", properties.catalogApiKey());
        }
        this.http = b.build();
    }

    private static boolean refusedKey(HttpStatusCode status) {
        return status.value() == 401 || status.value() == 403;
    }

    /** A catalog that refuses the orchestrator's key: nothing is dispatched, and the answer says what to set. */
    private static void keyRefused(
            org.springframework.http.HttpRequest request, org.springframework.http.client.ClientHttpResponse response)
            throws java.io.IOException {
        throw new IllegalStateException("the catalog refused the orchestrator's key (HTTP "
                + response.getStatusCode().value()
                + "): set ssisbackup.orchestrator.catalog-api-key (CATALOG_API_KEY) to the catalog's read key");
    }

    private record PointRef(UUID id) {}

    private record PointPage(List<PointRef> items) {}

    /** The host's newest COMPLETE restore point, if it has one; an exception when the catalog cannot be asked. */
    public Optional<RestorePointSummary> newestCompletePoint(String hostId) {
        PointPage page;
        try {
            page = http.get()
                    .uri("/api/v1/restore-points?host={host}&status=COMPLETE&limit=1", hostId)
                    .retrieve()
                    .onStatus(CatalogClient::refusedKey, CatalogClient::keyRefused)
                    .body(PointPage.class);
        } catch (RestClientException e) {
            throw new IllegalStateException("the catalog cannot be reached: " + e.getMessage(), e);
        }
        return page == null || page.items() == null || page.items().isEmpty()
                ? Optional.empty()
                : restorePoint(page.items().get(0).id());
    }

    /** Empty when the catalog does not know the point; an exception when the catalog cannot be asked. */
    public Optional<RestorePointSummary> restorePoint(UUID id) {
        try {
            return Optional.ofNullable(http.get()
                            .uri("/api/v1/restore-points/{id}", id)
                            .retrieve()
                            .onStatus(CatalogClient::refusedKey, CatalogClient::keyRefused)
                            .onStatus(HttpStatusCode::is4xxClientError, (req, res) -> {})
                            .body(RestorePointSummary.class))
                    .filter(p -> p.id() != null);
        } catch (RestClientException e) {
            throw new IllegalStateException("the catalog cannot be reached: " + e.getMessage(), e);
        }
    }

    /** When a drill proved a host, and by which drill. */
    public record Proven(java.time.Instant at, UUID drillId) {}

    /** A host's latest drill that found problems, with the reasons. */
    public record DrillFailure(java.time.Instant at, UUID drillId, List<String> reasons) {}

    /** What drills proved of a host (the catalog's {@code GET /api/v1/fleet/proofs}). */
    public record HostProof(
            String hostId, UUID provenPointId, Proven proven, UUID failedPointId, DrillFailure failure) {}

    /** Every host with a drill verdict; an exception when the catalog cannot be asked. */
    public List<HostProof> fleetProofs() {
        try {
            HostProof[] proofs = http.get()
                    .uri("/api/v1/fleet/proofs")
                    .retrieve()
                    .onStatus(CatalogClient::refusedKey, CatalogClient::keyRefused)
                    .body(HostProof[].class);
            return proofs == null ? List.of() : List.of(proofs);
        } catch (RestClientException e) {
            throw new IllegalStateException("the catalog cannot be reached: " + e.getMessage(), e);
        }
    }
}
