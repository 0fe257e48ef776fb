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
    public record RestorePointSummary(UUID id, String hostId, String status, List<ArtifactSummary> artifacts) {
    }

    public record ArtifactSummary(String agent, String logicalPath) {
    }

    private final RestClient http;

    public CatalogClient(OrchestratorProperties properties) {
        this.http = RestClient.builder().baseUrl(properties.catalogUrl()).build();
    }

    /** Empty when the catalog does not know the point; an exception when the catalog cannot be asked. */
    public Optional<RestorePointSummary> restorePoint(UUID id) {
        try {
            return Optional.ofNullable(http.get().uri("/api/v1/restore-points/{id}", id).retrieve()
                    .onStatus(HttpStatusCode::is4xxClientError, (req, res) -> { })
                    .body(RestorePointSummary.class))
                    .filter(p -> p.id() != null);
        } catch (RestClientException e) {
            throw new IllegalStateException("the catalog cannot be reached: " + e.getMessage(), e);
        }
    }
}
