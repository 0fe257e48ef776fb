-- Issue 17: a policy can ask for a restore drill after every Nth successful backup of each of its hosts.
ALTER TABLE policy ADD COLUMN drill_every INT;
-- Points a policy's drill is due for, until the catalog has recorded them (then the drill starts and the row goes).
CREATE TABLE drill_due (
    restore_point_id UUID        PRIMARY KEY,
    host_id          TEXT        NOT NULL,
    policy_id        UUID        NOT NULL,
    due_at           TIMESTAMPTZ NOT NULL
);
