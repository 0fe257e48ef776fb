package org.ssisbackup.msdbagent.msdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to the instance's msdb through mssql-jdbc. Every standard driver property (integrated or SQL
 * authentication, encrypt, trustServerCertificate, trustStore, hostNameInCertificate, ...) goes in the URL; the
 * password comes from its own setting and is never part of a message, a log line or an exception text.
 */
public final class MsdbConnector {
    private final MsdbAgentProperties properties;

    public MsdbConnector(MsdbAgentProperties properties) {
        this.properties = properties;
    }

    public Connection connect() throws MsdbException {
        Properties p = new Properties();
        if (properties.username() != null && !properties.username().isEmpty()) {
            p.setProperty("user", properties.username());
        }
        if (properties.password() != null) {
            p.setProperty("password", properties.password());
        }
        p.setProperty("applicationName", "ssis-backup msdb-agent");
        // A server that never acknowledges a query timeout's cancel must not hang the agent: close the connection.
        p.setProperty("cancelQueryTimeout", "30");
        p.putIfAbsent(
                "loginTimeout",
                String.valueOf(Math.max(1, properties.loginTimeout().toSeconds())));
        try {
            return DriverManager.getConnection(properties.jdbcUrl(), p);
        } catch (SQLException e) {
            throw MsdbException.of("cannot connect to msdb", e);
        }
    }

    /** The per-statement timeout in seconds, as the driver takes it. */
    public int queryTimeoutSeconds() {
        return (int) Math.max(1, properties.queryTimeout().toSeconds());
    }
}
