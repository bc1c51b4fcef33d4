-- Search finds every two-character word (issue 11): the index now holds every pair of neighbouring
-- ideographs besides jieba's words, and a problem's public reply is no longer indexed (a search of
-- the public list must not match on boilerplate replies alone). Every record is indexed again: its
-- words are cleared here and the app writes them anew at start, in batches, while it serves.
update feedback set search_terms = null where search_terms is not null;
update problems set search_terms = null where search_terms is not null;
