-- 责任领导 is a role of its own (issue 11): a unit's leader reads its unit's items and approves
-- those it is the responsible leader of. Read-only users who are some problem's responsible leader
-- were leaders all along.
update users set role = 'leader'
where role = 'viewer' and id in (select responsible_leader_id from problems where responsible_leader_id is not null);
