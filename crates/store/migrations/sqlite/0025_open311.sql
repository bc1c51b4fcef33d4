-- Open311 GeoReport v2 (issue 14). A leaf category is a service: it may carry a description, search
-- keywords and fields (attributes) a request answers, in order. A request posted through Open311 is
-- feedback like any other; what Open311 adds — the service, the answers, the contact fields and the
-- key it came with — is kept beside it.
create table category_services (
    category_id integer primary key references categories (id) on delete cascade,
    description text not null default '',
    keywords text not null default '',
    updated_at text not null
);

create table category_fields (
    id integer primary key,
    category_id integer not null references categories (id) on delete cascade,
    code text not null,
    variable integer not null default 1,
    datatype text not null,
    required integer not null default 0,
    datatype_description text,
    position integer not null,
    description text not null,
    -- The choices of a list field, as JSON: [{"key": …, "name": …}].
    choices text not null default '[]',
    unique (category_id, code),
    unique (category_id, position)
);

create table open311_requests (
    feedback_id integer primary key references feedback (id) on delete cascade,
    category_id integer not null references categories (id),
    -- The answers, as JSON: {"code": ["value", …]}.
    answers text not null default '{}',
    address_id text,
    email text,
    phone text,
    first_name text,
    last_name text,
    device_id text,
    account_id text,
    media_url text,
    created_at text not null
);
create index open311_requests_category_idx on open311_requests (category_id);
