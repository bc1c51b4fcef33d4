-- Full-text search (全文检索). The app writes each record's segmented words (jieba search mode,
-- separated by spaces) into search_terms in the same transaction as the record; a generated
-- tsvector over them (the 'simple' configuration: the words are already segmented) has a GIN
-- index, so the index commits with the data. A null search_terms means "not yet indexed": the app
-- fills those in at start.
alter table feedback add column search_terms text;
alter table problems add column search_terms text;
alter table feedback add column search_vector tsvector
    generated always as (to_tsvector('simple', coalesce(search_terms, ''))) stored;
alter table problems add column search_vector tsvector
    generated always as (to_tsvector('simple', coalesce(search_terms, ''))) stored;
create index feedback_search on feedback using gin (search_vector);
create index problems_search on problems using gin (search_vector);
create index feedback_unindexed on feedback (id) where search_terms is null;
create index problems_unindexed on problems (id) where search_terms is null;
