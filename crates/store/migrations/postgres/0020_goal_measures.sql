-- 目标任务 (issue 13): the rectification measures that serve a goal, beside its problems.
create table goal_measures (
    goal_id bigint not null references goals (id) on delete cascade,
    measure_id bigint not null references measures (id) on delete cascade,
    primary key (goal_id, measure_id)
);
create index goal_measures_measure_idx on goal_measures (measure_id);
