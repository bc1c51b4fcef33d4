-- 不予受理 on the intake card (issue 11): a report the office declines to put on the list leaves
-- the inbox with its reason, which its sender reads on the tracking page.
alter table feedback add column dismissed_at timestamptz;
alter table feedback add column dismiss_reason text;
-- The inbox sorts by heat: how many other reports grouping found like each one, from either side.
create index text_matches_other_feedback on text_matches (other_feedback_id);
