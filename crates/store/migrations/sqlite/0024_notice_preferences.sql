-- 提醒设置 (issue 14): where a user's reminders go besides the inbox. `email_kinds` holds the
-- notice kinds also sent by e-mail, as space-separated wire names; quiet hours are Beijing times
-- (HH:MM) and may run past midnight.
create table notice_preferences (
    user_id integer primary key references users (id) on delete cascade,
    email text,
    email_kinds text not null default '',
    quiet_from text,
    quiet_until text,
    english integer not null default 0,
    updated_at text not null
);
