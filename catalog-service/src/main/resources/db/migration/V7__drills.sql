-- Restore drills (issue 17): what each agent of a drill checked, and each point's latest verdict.
CREATE TABLE drill_result (
    drill_id           UUID        NOT NULL,  -- the orchestrator's drill (one drill may prove many hosts' points)
    agent              TEXT        NOT NULL,
    restore_point_id   UUID        NOT NULL,
    outcome            TEXT        NOT NULL,
    problems           JSONB       NOT NULL,  -- what failed, was refused or could not be checked, with reasons
    items_checked      BIGINT      NOT NULL,
    documents_parsed   BIGINT      NOT NULL,
    references_checked BIGINT      NOT NULL,
    cleaned_up         BOOLEAN     NOT NULL,
    finished_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (drill_id, restore_point_id, agent)
);
CREATE INDEX drill_result_point ON drill_result (restore_point_id);

-- The verdict of each point's latest drill: proven (every agent of the point checked everything) or not, with why.
CREATE TABLE restore_point_proof (
    restore_point_id UUID        PRIMARY KEY,
    drill_id         UUID        NOT NULL,
    proven           BOOLEAN     NOT NULL,
    decided_at       TIMESTAMPTZ NOT NULL,
    reasons          JSONB       NOT NULL
);
