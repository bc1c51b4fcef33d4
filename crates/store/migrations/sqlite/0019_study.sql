-- 学习记录 (issue 13): a campaign's study sessions by unit, in a format from a list the admin
-- keeps, with their materials (files kept as evidence files are, by hash) and the problems found
-- in them (检视). Counts are read by unit and month; nothing is kept about a person's study.
create table study_formats (
    id integer primary key,
    name text not null unique,
    description text,
    position integer not null default 0,
    active integer not null default 1
);
insert into study_formats (name, description, position) values
    ('集中学习', '党组（党委）理论学习中心组或全体党员集中学习', 1),
    ('读书班', '集中几天的专题读书班', 2),
    ('专题党课', '领导干部讲专题党课', 3),
    ('研讨交流', '围绕专题交流研讨、谈体会', 4),
    ('专题辅导', '请专家作专题辅导报告', 5),
    ('现场教学', '到教育基地或基层一线现场教学', 6);

create table study_sessions (
    id integer primary key,
    campaign_id integer not null references campaigns (id),
    unit_id integer not null references units (id),
    held_on text not null,
    format_id integer not null references study_formats (id),
    topic text not null,
    present integer not null,
    summary text,
    created_by integer references users (id),
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index study_sessions_campaign_idx on study_sessions (campaign_id, held_on);
create index study_sessions_unit_idx on study_sessions (unit_id, held_on);

create table study_materials (
    id integer primary key,
    session_id integer not null references study_sessions (id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    uploaded_by integer references users (id),
    created_at text not null
);
create index study_materials_session_idx on study_materials (session_id);

create table study_session_problems (
    session_id integer not null references study_sessions (id) on delete cascade,
    problem_id integer not null references problems (id) on delete cascade,
    primary key (session_id, problem_id)
);
create index study_session_problems_problem_idx on study_session_problems (problem_id);
