-- A unit sees what is new for it (issue 11).
--
-- 签收: when the lead unit signed for the problem it was assigned; null until it does. A problem
-- assigned again waits for a new signature (signed_at before assigned_at).
alter table problems add column signed_at timestamptz;
-- 重新整改: when the problem last reopened, why (a confirmed recurrence or a dissatisfied rating)
-- and the words given (the reason, or the citizen's comment). Kept after it closes again, so that
-- the record says it was reopened once.
alter table problems add column reopened_at timestamptz;
alter table problems add column reopen_cause text;
alter table problems add column reopen_reason text;
-- The public reply was written before the last reopening and not rewritten since.
alter table problems add column reply_superseded boolean not null default false;
-- Problems signed for before this migration count as signed when they were assigned.
update problems set signed_at = assigned_at where assigned_at is not null;
