-- The principal a held call acts for (issue 11: authority never transfers):
-- checked again, with the agent, when a person approves it.
ALTER TABLE approvals ADD COLUMN on_behalf_of TEXT;
