-- Every version of one package across the fleet: artifacts by their path, whatever its case (msdb and Windows paths
-- are case-insensitive).
CREATE INDEX artifact_path ON artifact (lower(logical_path), restore_point_id);
-- The fleet's newest restore point per host, and time ranges per host, with a stable order for keyset paging.
CREATE INDEX restore_point_host_time_id ON restore_point (host_id, created_at DESC, id DESC);
