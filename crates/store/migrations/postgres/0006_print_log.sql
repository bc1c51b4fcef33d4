-- Each app node now indexes the fingerprints in memory and catches up from text_prints by `seq`.
-- A transaction may commit after one that took a later number: the nodes remember such gaps and
-- read them again until they fill or expire (app::print_index). The band table is no longer read:
-- at a million records a node's own index answers in a fraction of a millisecond, where the band
-- table's query took milliseconds (bench/results/text-install-*), and every message wrote some
-- seventeen rows into it.
alter table text_prints add column seq bigint generated always as identity;
create unique index text_prints_seq on text_prints (seq);
drop table text_bands;
