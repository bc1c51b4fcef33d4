-- 目标任务 (issue 13): a campaign's goals and tasks as a tree, each with dated milestones and the
-- problems that serve it. 为民办实事 projects are goals of that kind, on the portal once published.
-- Progress is never stored: it is rolled up from the milestones, the linked problems or the
-- owner's reported percentage whenever it is read (domain::goals).
create table goals (
    id integer primary key,
    campaign_id integer not null references campaigns (id),
    parent_id integer references goals (id),
    kind text not null,
    title text not null,
    description text,
    owner_unit_id integer not null references units (id),
    responsible_leader_id integer references users (id),
    starts_on text not null,
    deadline text,
    weight real,
    reported_percent integer,
    published integer not null default 0,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index goals_campaign_idx on goals (campaign_id);
create index goals_parent_idx on goals (parent_id);

create table goal_milestones (
    id integer primary key,
    goal_id integer not null references goals (id) on delete cascade,
    title text not null,
    due_on text not null,
    done_on text
);
create index goal_milestones_goal_idx on goal_milestones (goal_id);

create table goal_problems (
    goal_id integer not null references goals (id) on delete cascade,
    problem_id integer not null references problems (id) on delete cascade,
    primary key (goal_id, problem_id)
);
create index goal_problems_problem_idx on goal_problems (problem_id);
