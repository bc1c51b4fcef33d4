-- 催办与通知 (issue 14). A lease lets one node at a time run the scheduler; a finished run is kept
-- per job and day so that a restart plans what was missed; every notice is a record of what, to
-- whom, why and how its sending went. A notice's key names it exactly (the problem, what it is
-- about, the deadline or day, the recipient and the channel), so it is made once however many
-- nodes plan the same day.
create table leases (
    name text primary key,
    holder text not null,
    held_until text not null
);

create table scheduler_runs (
    job text not null,
    day text not null,
    holder text not null,
    finished_at text not null,
    primary key (job, day)
);

create table notices (
    id integer primary key,
    key text not null unique,
    kind text not null,
    problem_id integer references problems (id) on delete cascade,
    unit_id integer references units (id),
    user_id integer references users (id) on delete cascade,
    channel text not null,
    colour text,
    stage text,
    deadline text,
    open_count integer,
    due_soon_count integer,
    overdue_count integer,
    day text not null,
    created_at text not null,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_by text,
    claimed_until text,
    sent_at text,
    last_error text
);
create index notices_problem_idx on notices (problem_id);
create index notices_user_idx on notices (user_id, id);
create index notices_pending_idx on notices (status, next_attempt_at);
