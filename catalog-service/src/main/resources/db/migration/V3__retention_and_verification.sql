-- The policy a point was taken under (null: an ad-hoc backup, kept under the catalog's default rule).
ALTER TABLE restore_point ADD COLUMN policy_id UUID, ADD COLUMN policy_name TEXT,
    -- Verification found a blob of this point missing or corrupt (the reason is in reasons).
    ADD COLUMN damaged BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX restore_point_retention ON restore_point (host_id, policy_id, created_at DESC);
CREATE INDEX restore_point_damaged ON restore_point (id) WHERE damaged;

-- Each policy's retention as its newest restore point carried it (policies live in the orchestrator).
CREATE TABLE retention_policy (
    policy_id UUID        PRIMARY KEY,
    name      TEXT        NOT NULL,
    retention JSONB       NOT NULL,
    time_zone TEXT        NOT NULL,
    as_of     TIMESTAMPTZ NOT NULL
);

-- Blobs no restore point references any more, since when: deleted once that is longer ago than the grace period.
-- Recording an artifact that names one removes it from here.
CREATE TABLE unreferenced_blob (
    sha256             CHAR(64)    PRIMARY KEY,
    unreferenced_since TIMESTAMPTZ NOT NULL,
    locked_until       TIMESTAMPTZ  -- object lock: not tried again before this
);
CREATE INDEX unreferenced_blob_since ON unreferenced_blob (unreferenced_since);

-- Blobs retention deleted, remembered for a while: a backup that was running at that moment and reused one of them is
-- caught when its restore point is recorded (it cannot be COMPLETE unless the blob was uploaded again).
CREATE TABLE deleted_blob (
    sha256     CHAR(64)    PRIMARY KEY,
    deleted_at TIMESTAMPTZ NOT NULL
);

-- Every expiry and deletion, for audit.
CREATE TABLE retention_audit (
    id               BIGSERIAL   PRIMARY KEY,
    pass_id          UUID        NOT NULL,
    at               TIMESTAMPTZ NOT NULL,
    action           TEXT        NOT NULL,  -- EXPIRE_POINT, DELETE_BLOB, DELETE_MANIFEST
    host_id          TEXT,
    restore_point_id UUID,
    policy_name      TEXT,
    object_key       TEXT,
    bytes            BIGINT,
    detail           TEXT        NOT NULL
);
CREATE INDEX retention_audit_point ON retention_audit (restore_point_id) WHERE restore_point_id IS NOT NULL;

-- The last verification of each blob.
CREATE TABLE blob_check (
    sha256     CHAR(64)    PRIMARY KEY,
    checked_at TIMESTAMPTZ NOT NULL,
    result     TEXT        NOT NULL,  -- OK, MISSING, CORRUPT, UNREADABLE
    detail     TEXT
);
CREATE INDEX blob_check_at ON blob_check (checked_at);
