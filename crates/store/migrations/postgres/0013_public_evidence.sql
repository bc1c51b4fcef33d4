-- Photos the office marks for the public (issue 11): a published problem's public page shows the
-- evidence marked here, and nothing else a unit uploaded.
alter table evidence add column public boolean not null default false;
