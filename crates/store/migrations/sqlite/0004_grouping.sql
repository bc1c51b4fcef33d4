-- Grouping at intake (聚类): each feedback's and problem's fingerprint (MinHash signature, place
-- names and specific words, as JSON), kept in the database so that every app node sees the same
-- groups; its LSH band keys in a table of their own, indexed, so that a new message finds its
-- candidates with one indexed lookup. The fingerprint is written in the same transaction as the
-- record.
create table text_prints (
    kind text not null,
    record_id integer not null,
    print text not null,
    created_at text not null,
    primary key (kind, record_id)
);
create table text_bands (
    band_key integer not null,
    kind text not null,
    record_id integer not null
);
create index text_bands_key on text_bands (band_key);
create index text_bands_record on text_bands (kind, record_id);

-- What the grouping found for a feedback item: a problem it was linked to (score at or above the
-- link threshold), a proposal for a person (between the thresholds), or a recurrence of a problem
-- signed off in the last months (反弹回潮). matched_text is the other record's text that matched.
create table text_matches (
    id integer primary key,
    feedback_id integer not null references feedback(id) on delete cascade,
    relation text not null,
    problem_id integer references problems(id) on delete cascade,
    other_feedback_id integer references feedback(id) on delete cascade,
    score double precision not null,
    matched_text text not null,
    created_at text not null
);
create index text_matches_feedback on text_matches (feedback_id);
create index text_matches_problem on text_matches (problem_id);
