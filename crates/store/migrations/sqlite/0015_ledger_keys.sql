-- 导入台账 (issue 12): the problems a ledger import created from rows that carried no number of
-- ours (a unit's own sheet), by campaign and a key from the row (the sheet's own number, or its
-- description), so that importing the same sheet again finds them instead of adding them twice.
create table ledger_import_keys (
    campaign_id integer not null references campaigns (id),
    row_key text not null,
    problem_id integer not null references problems (id),
    primary key (campaign_id, row_key)
);
