-- The rating key is short enough to write down (issue 11), so wrong keys are counted per report:
-- after a few, each further try waits longer (domain::throttle::rating_wait).
alter table feedback add column rating_failures bigint not null default 0;
alter table feedback add column rating_failed_at timestamptz;
