-- A reply addressed to one reporter (答复来信人, issue 11): read on that reporter's tracking page
-- only, never by other reporters of the same problem or the public, who read the public reply.
alter table feedback add column reply text;
alter table feedback add column replied_at timestamptz;
-- Whether a photo shows the problem as found (整改前) or as rectified (整改后), so that the public
-- page can set them side by side.
alter table evidence add column phase text not null default 'after';
