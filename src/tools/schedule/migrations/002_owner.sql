-- Who added the job (issue 11: authority never transfers): the agent whose
-- rights bound every run, and the principal it acted for. A job without an
-- owner (added before owners were recorded) is not run.
ALTER TABLE schedules ADD COLUMN owner TEXT;
ALTER TABLE schedules ADD COLUMN on_behalf_of TEXT;
