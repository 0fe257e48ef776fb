-- Restore drills (issue 17): a drill is one restore (options.drill) per restore point it proves, grouped here.
CREATE TABLE drill (
    id           UUID        PRIMARY KEY,
    created_at   TIMESTAMPTZ NOT NULL,
    requested_by TEXT        NOT NULL
);
ALTER TABLE restore_job ADD COLUMN drill_id UUID REFERENCES drill (id);
CREATE INDEX restore_job_drill ON restore_job (drill_id) WHERE drill_id IS NOT NULL;
