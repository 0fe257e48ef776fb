package org.ssisbackup.agent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.ssisbackup.contracts.ObjectKeys;

/**
 * What every agent is configured with, under {@code ssisbackup.agent}.
 *
 * @param hostId            this host's id in the fleet (letters, digits, '.', '_', '-')
 * @param heartbeatInterval how often the agent tells the orchestrator it is alive (default 30 s)
 * @param s3                where blobs and manifests go
 */
@ConfigurationProperties("ssisbackup.agent")
public record AgentProperties(String hostId, Duration heartbeatInterval, S3 s3) {

    public AgentProperties {
        ObjectKeys.requireValidHostId(hostId);
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(30) : heartbeatInterval;
        s3 = s3 == null ? new S3(null, null, null, null) : s3;
    }

    public record S3(String endpoint, String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() { // never print the keys
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + "]";
        }
    }
}
