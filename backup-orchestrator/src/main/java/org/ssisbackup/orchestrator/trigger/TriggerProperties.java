package org.ssisbackup.orchestrator.trigger;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which CloudEvents start which backups, under {@code ssisbackup.orchestrator.triggers}.
 *
 * @param coalesceWindow events for the same host and policy within this time of the first one make one backup,
 *                       which starts when the window closes (a deployment of twenty packages is one backup)
 * @param events         event type to what it triggers, e.g. {@code com.example.ssis.deployment.completed:
 *                       {policy: after-deployment}}
 */
@ConfigurationProperties("ssisbackup.orchestrator.triggers")
public record TriggerProperties(Duration coalesceWindow, Map<String, EventMapping> events) {
    public TriggerProperties {
        coalesceWindow = coalesceWindow == null ? Duration.ofMinutes(1) : coalesceWindow;
        events = events == null ? Map.of() : Map.copyOf(events);
    }

    /**
     * What one event type starts.
     *
     * @param policy the policy whose scope and limits the backup takes
     * @param hosts  {@code subject} (default): the event's subject names the host; otherwise a label selector
     */
    public record EventMapping(String policy, String hosts) {
        boolean hostFromSubject() {
            return hosts == null || hosts.isBlank() || hosts.equalsIgnoreCase("subject");
        }
    }
}
