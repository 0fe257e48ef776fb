-- Issue 17: a policy can also drill its hosts' newest COMPLETE points on a cron schedule of its own.
ALTER TABLE policy ADD COLUMN drill_schedule TEXT;
ALTER TABLE policy ADD COLUMN next_drill_at TIMESTAMPTZ;
CREATE INDEX policy_next_drill ON policy (next_drill_at) WHERE next_drill_at IS NOT NULL;
