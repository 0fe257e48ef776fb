package org.ssisbackup.catalog.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.ssisbackup.contracts.RetentionRule;

/**
 * Which restore points the rules let go: each host's points under each policy are decided by {@link RetentionRules}
 * with the policy's rule; ad-hoc points by the default rule; points of a policy the catalog has no rule for are kept
 * until it has one.
 */
public final class ExpiryPlan {

    public record ExpiredPoint(
            UUID restorePointId, String hostId, String policy, Instant createdAt, String status, String reason) {}

    /** The points examined and those that go. */
    record Result(long examined, List<ExpiredPoint> expiring) {}

    private record Group(String host, UUID policyId) {}

    static Result decide(RetentionRepository repository, RetentionRule defaultRule, ZoneId defaultZone) {
        Map<UUID, RetentionRepository.PolicyRule> rules = repository.policyRules();
        Decider decider = new Decider(rules, new RetentionRepository.PolicyRule(null, null, defaultRule, defaultZone));
        repository.streamPointsByGroup(decider::add);
        decider.decideGroup();
        return new Result(decider.examined, decider.expiring);
    }

    /** Collects one (host, policy) group at a time from the ordered stream and decides it when the next one starts. */
    private static final class Decider {
        private final Map<UUID, RetentionRepository.PolicyRule> rules;
        private final RetentionRepository.PolicyRule adHoc;
        private final Map<UUID, String> policyNames = new HashMap<>();
        private final List<RetentionRules.Point> group = new ArrayList<>();
        private final List<ExpiredPoint> expiring = new ArrayList<>();
        private Group current;
        private long examined;

        Decider(Map<UUID, RetentionRepository.PolicyRule> rules, RetentionRepository.PolicyRule adHoc) {
            this.rules = rules;
            this.adHoc = adHoc;
        }

        void add(RetentionRepository.StoredPoint p) {
            Group g = new Group(p.hostId(), p.policyId());
            if (!g.equals(current)) {
                decideGroup();
                current = g;
                if (g.policyId() != null) {
                    policyNames.putIfAbsent(g.policyId(), p.policyName());
                }
            }
            group.add(new RetentionRules.Point(p.id(), p.createdAt(), p.status()));
            examined++;
        }

        void decideGroup() {
            if (current == null || group.isEmpty()) {
                return;
            }
            UUID policy = current.policyId();
            RetentionRepository.PolicyRule rule = policy == null ? adHoc : rules.get(policy);
            if (rule != null) {
                String name =
                        policy == null ? "(ad hoc)" : Objects.requireNonNullElse(policyNames.get(policy), rule.name());
                for (RetentionRules.Decision d : RetentionRules.decide(group, rule.rule(), rule.zone())) {
                    if (!d.keep()) {
                        expiring.add(new ExpiredPoint(
                                d.point().id(),
                                current.host(),
                                name,
                                d.point().createdAt(),
                                d.point().status().name(),
                                d.reason()));
                    }
                }
            }
            group.clear();
        }
    }

    private ExpiryPlan() {}
}
