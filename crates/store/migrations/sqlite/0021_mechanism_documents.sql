-- 长效机制 (issue 13): the issued document itself (the PDF or Word file of the rule), kept by its
-- hash as evidence files are, beside the mechanism's 文号 and text.
create table mechanism_documents (
    id integer primary key,
    mechanism_id integer not null references mechanisms (id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    uploaded_by integer references users (id),
    created_at text not null
);
create index mechanism_documents_mechanism_idx on mechanism_documents (mechanism_id);
