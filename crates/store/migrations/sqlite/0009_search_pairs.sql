-- Search finds every two-character word (issue 11): the index now holds every pair of neighbouring
-- ideographs besides jieba's words, and a problem's public reply is no longer indexed (a search of
-- the public list must not match on boilerplate replies alone). Every record is indexed again: its
-- words are cleared here and the app writes them anew at start, in batches, while it serves.
-- The update trigger would delete each row's old words from FTS5 one by one; emptying the index
-- at once and dropping the trigger meanwhile does the same in one step.
drop trigger feedback_fts_update;
drop trigger problems_fts_update;
insert into feedback_fts (feedback_fts) values ('delete-all');
insert into problems_fts (problems_fts) values ('delete-all');
update feedback set search_terms = null where search_terms is not null;
update problems set search_terms = null where search_terms is not null;
create trigger feedback_fts_update after update of search_terms on feedback begin
    insert into feedback_fts (feedback_fts, rowid, search_terms)
        select 'delete', old.id, old.search_terms where old.search_terms is not null;
    insert into feedback_fts (rowid, search_terms) select new.id, new.search_terms where new.search_terms is not null;
end;
create trigger problems_fts_update after update of search_terms on problems begin
    insert into problems_fts (problems_fts, rowid, search_terms)
        select 'delete', old.id, old.search_terms where old.search_terms is not null;
    insert into problems_fts (rowid, search_terms) select new.id, new.search_terms where new.search_terms is not null;
end;
