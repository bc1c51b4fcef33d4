-- Each app node now indexes the fingerprints in memory and catches up from text_prints by `seq`,
-- which only grows (AUTOINCREMENT never reuses a number, so a node that has read up to n misses
-- nothing written after). The band table is no longer read: at a million records a node's own
-- index answers in a fraction of a millisecond, where the band table's query took milliseconds
-- (bench/results/text-install-*), and every message wrote some seventeen rows into it.
create table text_prints_log (
    seq integer primary key autoincrement,
    kind text not null,
    record_id integer not null,
    print text not null,
    created_at text not null,
    unique (kind, record_id)
);
insert into text_prints_log (kind, record_id, print, created_at)
    select kind, record_id, print, created_at from text_prints order by created_at, kind, record_id;
drop table text_prints;
alter table text_prints_log rename to text_prints;
drop table text_bands;
