-- 根源分析 and 长效机制 (issue 13): a root-cause taxonomy per install (the admin edits it), the
-- causes found for each problem, the causes a mechanism answers, and a mechanism's document number.
create table root_causes (
    id integer primary key,
    name text not null unique,
    description text,
    position integer not null default 0,
    active integer not null default 1
);
insert into root_causes (name, description, position) values
    ('制度缺失', '没有制度可依，或制度有漏洞、不配套', 1),
    ('执行不力', '有制度不落实，或落实打折扣', 2),
    ('监督缺位', '日常监管、检查督促不到位', 3),
    ('能力不足', '业务能力、专业力量跟不上', 4),
    ('作风问题', '形式主义、官僚主义，推诿扯皮', 5);

create table problem_root_causes (
    problem_id integer not null references problems (id) on delete cascade,
    root_cause_id integer not null references root_causes (id),
    primary key (problem_id, root_cause_id)
);

create table mechanism_root_causes (
    mechanism_id integer not null references mechanisms (id) on delete cascade,
    root_cause_id integer not null references root_causes (id),
    primary key (mechanism_id, root_cause_id)
);

alter table mechanisms add column doc_number text;
