-- Each blob the catalog knows to be in the bucket, once: bytes stored without scanning every artifact, and the list
-- verification walks. Recording an artifact adds its blob; retention removes it with the object.
CREATE TABLE blob (
    sha256     CHAR(64)    PRIMARY KEY,
    size       BIGINT      NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO blob (sha256, size) SELECT DISTINCT ON (sha256) sha256, size FROM artifact ORDER BY sha256
ON CONFLICT DO NOTHING;
