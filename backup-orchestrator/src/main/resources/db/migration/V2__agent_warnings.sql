-- What an agent wants an admin to know that did not fail its part (encrypted packages, unresolved references).
ALTER TABLE job_agent ADD COLUMN warnings JSONB NOT NULL DEFAULT '[]';
