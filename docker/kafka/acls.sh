#!/usr/bin/env bash
# Topics and the least rights per party on docker-compose's broker (docs/security.md, "Kafka"), run by the kafka-init
# service with the admin certificate. SSIS_HOSTS: the hosts whose agents may connect (space separated). Re-runnable.
# The same rights are granted in the system tests (system-tests/.../KafkaAcls.java), which prove them sufficient.
set -euo pipefail
bin=/opt/kafka/bin cfg=/etc/kafka/tls/admin.properties bs=kafka:9092
topics() { "$bin/kafka-topics.sh" --bootstrap-server "$bs" --command-config "$cfg" "$@"; }
acl() { "$bin/kafka-acls.sh" --bootstrap-server "$bs" --command-config "$cfg" --add "$@" >/dev/null; }

for t in ssis.backup.commands ssis.backup.events ssis.agent.heartbeats ssis.triggers ssis.catalog.events \
         ssis.backup.commands.dlq ssis.backup.events.dlq ssis.agent.heartbeats.dlq ssis.triggers.dlq \
         ssis.agent.enrolments.dlq; do
  topics --create --if-not-exists --topic "$t" --partitions 6 --replication-factor 1
done
# The orchestrator's word on agents' keys stays for good (compacted): a catalog that starts late reads it.
topics --create --if-not-exists --topic ssis.agent.enrolments --partitions 1 --replication-factor 1 \
  --config cleanup.policy=compact

# Orchestrator: every ssis.* topic (it reads the dead-letter topics too), its consumer groups.
acl --allow-principal User:backup-orchestrator --operation All --topic ssis. --resource-pattern-type prefixed
acl --allow-principal User:backup-orchestrator --operation Read --group backup-orchestrator --resource-pattern-type prefixed
# Catalog: reads events and enrolments, writes its own events and its dead letters.
acl --allow-principal User:catalog-service --operation Read --topic ssis.backup.events
acl --allow-principal User:catalog-service --operation Read --topic ssis.agent.enrolments
for t in ssis.catalog.events ssis.backup.events.dlq ssis.agent.enrolments.dlq; do
  acl --allow-principal User:catalog-service --operation Write --topic "$t"
done
acl --allow-principal User:catalog-service --operation Describe --topic ssis. --resource-pattern-type prefixed
acl --allow-principal User:catalog-service --operation Read --group catalog-service
# Each host's agents: read commands (all hosts' travel there: they are signed, and an agent acts on its own only) and
# events; write events, heartbeats and their dead letters. Never commands, never enrolments.
for host in ${SSIS_HOSTS:-compose-sql01}; do
  for agent in fs-agent msdb-agent; do
    p="User:$agent.$host"
    acl --allow-principal "$p" --operation Read --topic ssis.backup.commands
    acl --allow-principal "$p" --operation Read --topic ssis.backup.events
    for t in ssis.backup.events ssis.agent.heartbeats ssis.backup.commands.dlq ssis.backup.events.dlq; do
      acl --allow-principal "$p" --operation Write --topic "$t"
    done
    acl --allow-principal "$p" --operation Describe --topic ssis. --resource-pattern-type prefixed
    acl --allow-principal "$p" --operation Read --group "$agent-$host" --resource-pattern-type prefixed
  done
done
echo "topics and ACLs in place for hosts: ${SSIS_HOSTS:-compose-sql01}"
