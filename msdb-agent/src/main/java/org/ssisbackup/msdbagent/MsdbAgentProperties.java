package org.ssisbackup.msdbagent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param hostId   this host's id in the fleet
 * @param jdbcUrl  an mssql-jdbc URL; any standard property works in it (integratedSecurity, encrypt,
 *                 trustServerCertificate, ...) but put the password in {@code password}, never in the URL
 * @param username SQL login (empty with integrated authentication)
 * @param password SQL password; never logged
 * @param queryTimeout how long one query may take before the job fails with a timeout
 * @param loginTimeout how long connecting may take (default 30 s)
 */
@ConfigurationProperties("ssisbackup.msdb")
public record MsdbAgentProperties(String hostId, String jdbcUrl, String username, String password,
                                  Duration queryTimeout, Duration loginTimeout, S3 s3) {
    public MsdbAgentProperties {
        org.ssisbackup.contracts.ObjectKeys.requireValidHostId(hostId);
        queryTimeout = queryTimeout == null ? Duration.ofMinutes(5) : queryTimeout;
        loginTimeout = loginTimeout == null ? Duration.ofSeconds(30) : loginTimeout;
    }

    @Override
    public String toString() {
        return "MsdbAgentProperties[hostId=" + hostId + ", user=" + username + ", s3=" + s3 + "]";
    }

    public record S3(String endpoint, String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + "]";
        }
    }
}
