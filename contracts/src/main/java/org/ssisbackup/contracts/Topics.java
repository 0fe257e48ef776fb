package org.ssisbackup.contracts;

/** Kafka topic names. Every record on these topics is keyed by host id so one host's messages stay in order. */
public final class Topics {
    public static final String COMMANDS = "ssis.backup.commands";
    public static final String EVENTS = "ssis.backup.events";
    public static final String HEARTBEATS = "ssis.agent.heartbeats";
    public static final String TRIGGERS = "ssis.triggers";
    public static final String CATALOG_EVENTS = "ssis.catalog.events";
    /** The orchestrator's enrolments of agent keys ({@link AgentEnrolment}); compacted, keyed by host and agent. */
    public static final String ENROLMENTS = "ssis.agent.enrolments";

    /** Dead-letter topic of a topic: the binder writes there with the failure reason in headers. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }

    /** Header naming the record type, so a consumer can route without parsing the body. */
    public static final String TYPE_HEADER = "ssis_message_type";

    /** Header of an agent's events and heartbeats: its Ed25519 public key (base64 X.509), whose signature they carry. */
    public static final String AGENT_KEY_HEADER = "ssis_agent_key";

    private Topics() {}
}
