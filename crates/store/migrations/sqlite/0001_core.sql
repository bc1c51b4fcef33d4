-- SQLite twin of postgres/0001_core.sql. The ledger core: units, users, sessions, tokens, campaigns, categories, calendar, feedback,
-- problems with their measures, sign-offs, extensions, callbacks and mechanisms, and the audit chain.

create table units (
    id integer primary key,
    parent_id integer references units(id),
    name text not null,
    code text unique,
    path text not null default '',
    created_at text not null,
    updated_at text not null
);
create unique index units_parent_name_key on units (coalesce(parent_id, 0), name);
create index units_path_idx on units (path);

create table users (
    id integer primary key,
    unit_id integer not null references units(id),
    username text not null unique,
    display_name text not null,
    role text not null,
    password_hash text not null,
    active integer not null default 1,
    created_at text not null,
    updated_at text not null
);

create table sessions (
    id_hash text primary key,
    user_id integer not null references users(id) on delete cascade,
    created_at text not null,
    expires_at text not null
);
create index sessions_user_idx on sessions (user_id);

create table api_tokens (
    id integer primary key,
    user_id integer not null references users(id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    scope text not null,
    created_at text not null,
    expires_at text,
    revoked_at text
);

create table login_attempts (
    id integer primary key,
    username text not null,
    client text not null,
    at text not null,
    success integer not null
);
create index login_attempts_username_at_idx on login_attempts (username, at);

create table campaigns (
    id integer primary key,
    unit_id integer not null references units(id),
    name text not null,
    kind text not null,
    code_prefix text not null,
    starts_on text not null,
    ends_on text,
    phases text not null default '[]',
    goals text,
    created_at text not null,
    updated_at text not null
);

create table categories (
    id integer primary key,
    parent_id integer references categories(id),
    name text not null,
    created_at text not null,
    updated_at text not null
);
create unique index categories_parent_name_key on categories (coalesce(parent_id, 0), name);

create table category_limits (
    category_id integer not null references categories(id) on delete cascade,
    kind text not null,
    sign_days integer not null,
    response_days integer not null,
    completion_days integer not null,
    callback_days integer not null,
    primary key (category_id, kind)
);

create table calendar_days (
    day text primary key,
    kind text not null,
    note text not null default ''
);

create table calendar_years (
    year integer primary key,
    source text not null
);

create table number_counters (
    prefix text not null,
    year integer not null,
    last integer not null,
    primary key (prefix, year)
);

create table problems (
    id integer primary key,
    number text not null unique,
    campaign_id integer not null references campaigns(id),
    owner_unit_id integer not null references units(id),
    title text not null,
    description text not null,
    category_id integer references categories(id),
    channel text not null,
    kind text not null,
    priority text not null,
    rectification_type text not null,
    status text not null,
    signoff_stage text,
    lead_unit_id integer references units(id),
    responsible_leader_id integer references users(id),
    responsible_person text,
    deadline text,
    original_deadline text,
    extension_count integer not null default 0,
    root_cause text,
    public_reply text,
    verification_note text,
    solved integer,
    satisfaction text,
    published integer not null default 0,
    published_at text,
    excluded_from_scoring integer not null default 0,
    exclusion_reason text,
    manual_colour text,
    manual_colour_reason text,
    awaiting_resubmission integer not null default 0,
    next_measure_deadline text,
    sent_back_count integer not null default 0,
    reopen_count integer not null default 0,
    merged_into_id integer references problems(id),
    dismiss_reason text,
    closed_without_evidence integer not null default 0,
    received_on text not null,
    assigned_at text,
    submitted_at text,
    closed_at text,
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index problems_lead_status_idx on problems (lead_unit_id, status, id);
create index problems_status_idx on problems (status, id);
create index problems_campaign_idx on problems (campaign_id, id);
create index problems_deadline_idx on problems (deadline);
create index problems_owner_idx on problems (owner_unit_id, id);

create table problem_units (
    problem_id integer not null references problems(id) on delete cascade,
    unit_id integer not null references units(id),
    primary key (problem_id, unit_id)
);
create index problem_units_unit_idx on problem_units (unit_id);

create table measures (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    description text not null,
    owner_unit_id integer references units(id),
    owner_name text,
    deadline text,
    status text not null,
    done_at text,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index measures_problem_idx on measures (problem_id);

create table progress_notes (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    author_id integer references users(id),
    body text not null,
    created_at text not null
);
create index progress_notes_problem_idx on progress_notes (problem_id);

create table evidence (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    note text,
    uploaded_by integer references users(id),
    created_at text not null
);
create index evidence_problem_idx on evidence (problem_id);

create table signoffs (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    report text not null,
    no_evidence_reason text,
    evidence_count integer not null,
    status text not null,
    submitted_by integer references users(id),
    submitted_at text not null,
    leader_id integer references users(id),
    leader_at text,
    leader_note text,
    verifier_id integer references users(id),
    verifier_at text,
    verifier_note text
);
create index signoffs_problem_idx on signoffs (problem_id);

create table extension_requests (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    requested_by integer references users(id),
    requested_at text not null,
    reason text not null,
    previous_deadline text,
    new_deadline text not null,
    status text not null,
    decided_by integer references users(id),
    decided_at text,
    decision_note text
);
create index extension_requests_problem_idx on extension_requests (problem_id);

create table callbacks (
    id integer primary key,
    problem_id integer not null references problems(id) on delete cascade,
    at text not null,
    recorded_by integer references users(id),
    via text not null,
    solved integer not null,
    satisfaction text not null,
    comment text
);
create index callbacks_problem_idx on callbacks (problem_id);

create table mechanisms (
    id integer primary key,
    campaign_id integer references campaigns(id),
    unit_id integer not null references units(id),
    title text not null,
    body text,
    status text not null,
    issued_on text,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);

create table problem_mechanisms (
    problem_id integer not null references problems(id) on delete cascade,
    mechanism_id integer not null references mechanisms(id) on delete cascade,
    primary key (problem_id, mechanism_id)
);

create table feedback (
    id integer primary key,
    campaign_id integer references campaigns(id),
    unit_id integer not null references units(id),
    channel text not null,
    kind text not null,
    title text,
    body text not null,
    received_at text not null,
    reporter_name text,
    reporter_contact text,
    address text,
    latitude real,
    longitude real,
    likes integer not null default 0,
    dislikes integer not null default 0,
    source text,
    source_key text,
    tracking_code text not null unique,
    rating_key_hash text,
    problem_id integer references problems(id),
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);
create unique index feedback_source_key on feedback (source, source_key);
create index feedback_problem_idx on feedback (problem_id);
create index feedback_unit_idx on feedback (unit_id, id);
create index feedback_received_idx on feedback (received_at);

create table audit_log (
    seq integer primary key,
    at text not null,
    actor_id integer,
    actor text not null,
    action text not null,
    entity_type text not null,
    entity_id integer,
    before_json text,
    after_json text,
    prev_hash text not null,
    hash text not null
);
create index audit_log_entity_idx on audit_log (entity_type, entity_id);

create table audit_head (
    id integer primary key,
    seq integer not null,
    hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
