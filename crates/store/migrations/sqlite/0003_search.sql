-- Full-text search (全文检索). The app writes each record's segmented words (jieba search mode,
-- separated by spaces) into search_terms in the same transaction as the record; FTS5 tables with
-- external content index that column through triggers, so the index commits with the data.
-- A null search_terms means "not yet indexed" (rows bulk-loaded or written before this migration):
-- the app fills those in at start.
alter table feedback add column search_terms text;
alter table problems add column search_terms text;
create index feedback_unindexed on feedback (id) where search_terms is null;
create index problems_unindexed on problems (id) where search_terms is null;

create virtual table feedback_fts using fts5(search_terms, content = 'feedback', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0');
create virtual table problems_fts using fts5(search_terms, content = 'problems', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0');

create trigger feedback_fts_insert after insert on feedback when new.search_terms is not null begin
    insert into feedback_fts (rowid, search_terms) values (new.id, new.search_terms);
end;
create trigger feedback_fts_delete after delete on feedback when old.search_terms is not null begin
    insert into feedback_fts (feedback_fts, rowid, search_terms) values ('delete', old.id, old.search_terms);
end;
create trigger feedback_fts_update after update of search_terms on feedback begin
    insert into feedback_fts (feedback_fts, rowid, search_terms)
        select 'delete', old.id, old.search_terms where old.search_terms is not null;
    insert into feedback_fts (rowid, search_terms) select new.id, new.search_terms where new.search_terms is not null;
end;

create trigger problems_fts_insert after insert on problems when new.search_terms is not null begin
    insert into problems_fts (rowid, search_terms) values (new.id, new.search_terms);
end;
create trigger problems_fts_delete after delete on problems when old.search_terms is not null begin
    insert into problems_fts (problems_fts, rowid, search_terms) values ('delete', old.id, old.search_terms);
end;
create trigger problems_fts_update after update of search_terms on problems begin
    insert into problems_fts (problems_fts, rowid, search_terms)
        select 'delete', old.id, old.search_terms where old.search_terms is not null;
    insert into problems_fts (rowid, search_terms) select new.id, new.search_terms where new.search_terms is not null;
end;
