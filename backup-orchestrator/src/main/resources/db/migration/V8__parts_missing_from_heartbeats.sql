-- When an agent's heartbeat first left out a job part it was sent (issue 12): a part still left out a heartbeat
-- interval later is not going to be finished by that agent (it restarted without it, or never got the command).
ALTER TABLE job_agent ADD COLUMN missing_since TIMESTAMPTZ;
ALTER TABLE restore_agent ADD COLUMN missing_since TIMESTAMPTZ;
