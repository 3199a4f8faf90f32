-- What a person reads when a goal ends: the figures its tools found, what
-- failed and what was rolled back, or what was not understood.
ALTER TABLE goals ADD COLUMN answer TEXT;
