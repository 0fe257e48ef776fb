-- Repository format 2 keeps items as encrypted chunks in packs (docs/repository-format.md). What a restore point needs
-- in the bucket is then a set of objects (format 1 blobs, format 2 packs), no longer one blob per artifact named by its
-- SHA-256. Blobs become stored objects, each named by the id its key ends in (a blob's SHA-256, a pack's random id) and
-- kept with its key; retention, tombstones and verification follow.
ALTER TABLE blob RENAME TO stored_object;
ALTER TABLE stored_object RENAME COLUMN sha256 TO object_id;
ALTER TABLE stored_object ADD COLUMN object_key TEXT;
UPDATE stored_object SET object_key = 'blobs/sha256/' || substr(object_id, 1, 2) || '/' || object_id;
ALTER TABLE stored_object ALTER COLUMN object_key SET NOT NULL;
-- A pack's size comes with the end of the job that wrote it (null until then).
ALTER TABLE stored_object ALTER COLUMN size DROP NOT NULL;

ALTER TABLE unreferenced_blob RENAME TO unreferenced_object;
ALTER TABLE unreferenced_object RENAME COLUMN sha256 TO object_id;
ALTER TABLE unreferenced_object ADD COLUMN object_key TEXT;
UPDATE unreferenced_object SET object_key = 'blobs/sha256/' || substr(object_id, 1, 2) || '/' || object_id;
ALTER TABLE unreferenced_object ALTER COLUMN object_key SET NOT NULL;
ALTER INDEX unreferenced_blob_since RENAME TO unreferenced_object_since;

ALTER TABLE deleted_blob RENAME TO deleted_object;
ALTER TABLE deleted_object RENAME COLUMN sha256 TO object_id;
ALTER TABLE deleted_object ADD COLUMN object_key TEXT;
UPDATE deleted_object SET object_key = 'blobs/sha256/' || substr(object_id, 1, 2) || '/' || object_id;
ALTER TABLE deleted_object ALTER COLUMN object_key SET NOT NULL;

ALTER TABLE blob_check RENAME TO object_check;
ALTER TABLE object_check RENAME COLUMN sha256 TO object_id;
ALTER INDEX blob_check_at RENAME TO object_check_at;

UPDATE retention_audit SET action = 'DELETE_OBJECT' WHERE action = 'DELETE_BLOB';

-- The objects each restore point needs: an object stays while any point names it. Written with the artifacts (before
-- the point itself is recorded), so a backup in flight protects what it reuses.
CREATE TABLE point_object (
    restore_point_id UUID     NOT NULL,
    object_id        CHAR(64) NOT NULL,
    PRIMARY KEY (restore_point_id, object_id)
);
CREATE INDEX point_object_object ON point_object (object_id);
INSERT INTO point_object (restore_point_id, object_id) SELECT DISTINCT restore_point_id, sha256 FROM artifact
ON CONFLICT DO NOTHING;

-- Format 2 artifacts: every pack the item's chunks are in (null for format 1: its object is object_key).
ALTER TABLE artifact ADD COLUMN objects TEXT[];
