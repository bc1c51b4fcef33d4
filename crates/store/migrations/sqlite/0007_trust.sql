-- Closing what probing found (issue 9).
--
-- When a report joined its problem. A dissatisfied rating reopens a problem by itself only when it
-- comes from a report the problem was made from; a report linked later (by grouping, or by anyone
-- who copies a problem's text into the portal) sends its rating to the office to check. Reports
-- linked before this migration count as the problem's own.
alter table feedback add column linked_at text;
update feedback set linked_at = (select p.created_at from problems p where p.id = feedback.problem_id)
    where problem_id is not null;

-- Which report a public rating came from, and the office's check of a dissatisfied one
-- (不满意待核实): pending, then reopened or kept with the reason why.
alter table callbacks add column feedback_id integer references feedback(id);
alter table callbacks add column review text;
alter table callbacks add column review_note text;
alter table callbacks add column reviewed_by integer references users(id);
alter table callbacks add column reviewed_at text;
create index callbacks_review_idx on callbacks (review, id);

-- Secrets of the install that every node shares (the key that signs CSRF tokens).
create table install_keys (
    name text primary key,
    secret text not null
);

-- Login throttling counts failures per client as well as per username and client.
create index login_attempts_client_at_idx on login_attempts (client, at);
