-- SQLite twin of postgres/0002_pages.sql. What the web UI keeps: saved list filters per user, and files attached to feedback (a photo
-- from the public portal).

create table saved_filters (
    id integer primary key,
    user_id integer not null references users(id) on delete cascade,
    name text not null,
    query text not null,
    created_at text not null
);
create unique index saved_filters_user_name_key on saved_filters (user_id, name);

create table feedback_files (
    id integer primary key,
    feedback_id integer not null references feedback(id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    created_at text not null
);
create index feedback_files_feedback_idx on feedback_files (feedback_id);
