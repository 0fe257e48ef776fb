package org.ssisbackup.orchestrator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** @param agentTimeout how long an agent may take over its part of a job before it is TIMED_OUT */
@ConfigurationProperties("ssisbackup.orchestrator")
public record OrchestratorProperties(Duration agentTimeout) {
    public OrchestratorProperties {
        agentTimeout = agentTimeout == null ? Duration.ofHours(2) : agentTimeout;
    }
}
