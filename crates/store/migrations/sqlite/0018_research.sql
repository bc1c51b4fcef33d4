-- 调查研究 (issue 13): research topics (课题) of a campaign, led by a leader, with the visits made
-- for them and what each visit found. A finding keeps the feedback item or the problem it became,
-- so that a topic's conversion (成果转化率) is read from the links, never stored.
create table research_topics (
    id integer primary key,
    campaign_id integer not null references campaigns (id),
    unit_id integer not null references units (id),
    title text not null,
    description text,
    lead_leader_id integer references users (id),
    members text,
    starts_on text not null,
    ends_on text,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index research_topics_campaign_idx on research_topics (campaign_id);

create table research_visits (
    id integer primary key,
    topic_id integer not null references research_topics (id) on delete cascade,
    visited_on text not null,
    place text not null,
    met text,
    summary text,
    created_at text not null
);
create index research_visits_topic_idx on research_visits (topic_id);

create table research_findings (
    id integer primary key,
    visit_id integer not null references research_visits (id) on delete cascade,
    body text not null,
    feedback_id integer references feedback (id),
    problem_id integer references problems (id),
    created_at text not null
);
create index research_findings_visit_idx on research_findings (visit_id);
