-- 提醒设置 (issue 14): where a user's reminders go besides the inbox. `email_kinds` holds the
-- notice kinds also sent by e-mail, as space-separated wire names; quiet hours are Beijing times
-- and may run past midnight.
create table notice_preferences (
    user_id bigint primary key references users (id) on delete cascade,
    email text,
    email_kinds text not null default '',
    quiet_from time,
    quiet_until time,
    english boolean not null default false,
    updated_at timestamptz not null
);
