package org.ssisbackup.systemtests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.ssisbackup.contracts.Topics;

/**
 * The topics and the least rights each party needs on a secured broker, as docs/security.md lists them (and
 * docker/kafka/acls.sh grants them): the orchestrator writes commands and enrolments and reads what agents send; the
 * catalog reads events and enrolments; a host's agents read commands and write events and heartbeats, and nothing else
 * (no commands, no enrolments). Principals are certificate CNs.
 */
final class KafkaAcls {
    static final List<String> TOPICS = List.of(
            Topics.COMMANDS,
            Topics.EVENTS,
            Topics.HEARTBEATS,
            Topics.TRIGGERS,
            Topics.CATALOG_EVENTS,
            Topics.ENROLMENTS,
            Topics.deadLetter(Topics.COMMANDS),
            Topics.deadLetter(Topics.EVENTS),
            Topics.deadLetter(Topics.HEARTBEATS),
            Topics.deadLetter(Topics.TRIGGERS),
            Topics.deadLetter(Topics.ENROLMENTS));

    private KafkaAcls() {}

    /** Creates the topics and grants the rights, through the broker's administrative listener. */
    static void grant(String adminBrokers, String host) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBrokers);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : TOPICS) {
                NewTopic topic = new NewTopic(t, 1, (short) 1);
                topics.add(t.equals(Topics.ENROLMENTS) ? topic.configs(Map.of("cleanup.policy", "compact")) : topic);
            }
            admin.createTopics(topics).all().get(1, TimeUnit.MINUTES);

            List<AclBinding> acls = new ArrayList<>();
            // The orchestrator: every ssis.* topic (it reads the dead-letter topics too), its own groups.
            allow(
                    acls,
                    SystemStack.ORCHESTRATOR_PRINCIPAL,
                    ResourceType.TOPIC,
                    "ssis.",
                    PatternType.PREFIXED,
                    AclOperation.ALL);
            allow(
                    acls,
                    SystemStack.ORCHESTRATOR_PRINCIPAL,
                    ResourceType.GROUP,
                    "backup-orchestrator",
                    PatternType.PREFIXED,
                    AclOperation.READ);
            // The catalog.
            for (String t : List.of(Topics.EVENTS, Topics.ENROLMENTS)) {
                allow(
                        acls,
                        SystemStack.CATALOG_PRINCIPAL,
                        ResourceType.TOPIC,
                        t,
                        PatternType.LITERAL,
                        AclOperation.READ);
            }
            for (String t : List.of(
                    Topics.CATALOG_EVENTS, Topics.deadLetter(Topics.EVENTS), Topics.deadLetter(Topics.ENROLMENTS))) {
                allow(
                        acls,
                        SystemStack.CATALOG_PRINCIPAL,
                        ResourceType.TOPIC,
                        t,
                        PatternType.LITERAL,
                        AclOperation.WRITE);
            }
            allow(
                    acls,
                    SystemStack.CATALOG_PRINCIPAL,
                    ResourceType.TOPIC,
                    "ssis.",
                    PatternType.PREFIXED,
                    AclOperation.DESCRIBE);
            allow(
                    acls,
                    SystemStack.CATALOG_PRINCIPAL,
                    ResourceType.GROUP,
                    "catalog-service",
                    PatternType.LITERAL,
                    AclOperation.READ);
            // The host's two agents.
            for (String agent : List.of(SystemStack.FS_AGENT_PRINCIPAL, SystemStack.MSDB_AGENT_PRINCIPAL)) {
                for (String t : List.of(Topics.COMMANDS, Topics.EVENTS)) {
                    allow(acls, agent, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ);
                }
                for (String t : List.of(
                        Topics.EVENTS,
                        Topics.HEARTBEATS,
                        Topics.deadLetter(Topics.COMMANDS),
                        Topics.deadLetter(Topics.EVENTS))) {
                    allow(acls, agent, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE);
                }
                allow(acls, agent, ResourceType.TOPIC, "ssis.", PatternType.PREFIXED, AclOperation.DESCRIBE);
                String kind = agent.substring(0, agent.indexOf('.'));
                allow(acls, agent, ResourceType.GROUP, kind + "-" + host, PatternType.PREFIXED, AclOperation.READ);
            }
            admin.createAcls(acls).all().get(1, TimeUnit.MINUTES);
        }
    }

    private static void allow(
            List<AclBinding> acls,
            String principal,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation operation) {
        acls.add(new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW)));
    }
}
