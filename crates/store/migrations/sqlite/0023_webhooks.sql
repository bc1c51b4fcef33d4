-- Webhooks (issue 14): subscriptions per event, in plain signed JSON or a group robot's form,
-- optionally narrowed to a unit's subtree; every delivery is kept with its attempts and answers.
-- What happened reaches them through an outbox: the scheduler reads the audit log past the last
-- entry it turned into deliveries (kept here), so that no write path can forget to tell them.
create table webhooks (
    id integer primary key,
    name text not null,
    url text not null,
    format text not null,
    secret text,
    events text not null,
    unit_id integer references units (id),
    active integer not null default 1,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);

create table deliveries (
    id integer primary key,
    key text not null unique,
    webhook_id integer not null references webhooks (id) on delete cascade,
    event text not null,
    problem_id integer references problems (id) on delete set null,
    body text not null,
    created_at text not null,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_by text,
    claimed_until text,
    sent_at text,
    response_status integer,
    last_error text
);
create index deliveries_due_idx on deliveries (status, next_attempt_at);
create index deliveries_webhook_idx on deliveries (webhook_id, id);

create table outbox_cursor (
    name text primary key,
    last_seq integer not null
);
