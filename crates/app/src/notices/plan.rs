//! The scheduler inside the server: every few seconds each node asks for the lease; the holder
//! turns new audit entries into webhook deliveries (the outbox) and plans the working day's
//! reminders once, at the install's run time or at its first turn after it (a node that was down
//! catches up when it starts), in one transaction with the record that the
//! day is done. Each notice's key names it exactly, so a second node, or a node killed mid-run and
//! started again, makes nothing twice.

use super::DigestFigures;
use super::text::{About, headline};
use crate::webhooks::outbox::event_of_notice;
use crate::{App, Result};
use chrono::{DateTime, Duration, Utc};
use domain::calendar::WorkCalendar;
use domain::clock::{CHINA, china_date};
use domain::feedback::FeedbackKind;
use domain::notice::{Due, NoticeChannel, NoticeKind, NoticeStatus, Watched, digest_key, due_on, runs_today};
use domain::notice_prefs::Preferences;
use domain::supervision::{FlagInputs, derive, due_soon_cutoff};
use domain::user::Role;
use domain::webhook::Event;
use domain::workflow::{SignoffStage, Status};
use domain::{CategoryId, UnitId, UserId};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use store::Conn;
use store::notices::{NewNotice, WatchedRow};
use store::users::UserRow;
use store::webhooks::WebhookRow;

/// The lease the scheduler runs under, and how long a holder keeps it without renewing: a node
/// that dies lets another take over after this long.
const LEASE: &str = "scheduler";
const LEASE_SECONDS: i64 = 300;
/// The job that plans the day's reminders.
const REMINDERS: &str = "reminders";
/// How far back closed problems are read for callbacks still owed.
const CALLBACK_LOOKBACK_DAYS: i64 = 60;

/// What one turn of the scheduler did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SchedulerRun {
    /// This node held the lease (another node runs the scheduler otherwise).
    pub held: bool,
    /// The day's reminders were planned in this turn.
    pub planned: bool,
    /// Notices made in this turn (none that existed already).
    pub made: usize,
    /// Webhook deliveries the outbox made in this turn.
    pub queued: usize,
}

impl App {
    /// One turn of the scheduler for the node `holder`.
    pub async fn run_scheduler(&self, holder: &str) -> Result<SchedulerRun> {
        let now = self.clock.now();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        if !store::notices::take_lease(&mut c, LEASE, holder, now, now + Duration::seconds(LEASE_SECONDS)).await? {
            return Ok(SchedulerRun::default());
        }
        let today = china_date(now);
        let cal = self.calendar().await?;
        let rules = self.settings.reminders;
        let due = runs_today(&cal, today, now.with_timezone(&CHINA).time(), &rules)
            && !store::notices::run_finished(&mut c, REMINDERS, today).await?;
        drop(pooled);
        let made = if due { self.plan_day(holder, now, &cal).await? } else { 0 };
        let queued = self.enqueue_events(now).await?;
        Ok(SchedulerRun { held: true, planned: due, made, queued })
    }

    /// Gives the lease back (a node shutting down), so another node need not wait for it to run out.
    pub async fn release_scheduler(&self, holder: &str) -> Result<()> {
        let mut pooled = self.db.acquire().await?;
        store::notices::release_lease(&mut pooled.conn(), LEASE, holder).await
    }

    async fn plan_day(&self, holder: &str, now: DateTime<Utc>, cal: &WorkCalendar) -> Result<usize> {
        let today = china_date(now);
        let rules = self.settings.reminders;
        let due_soon_days = self.settings.due_soon_days;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let watched = store::notices::watched(&mut c, now - Duration::days(CALLBACK_LOOKBACK_DAYS)).await?;
        let units = self.units().await?;
        let people = People::new(store::users::list_users(&mut c, "").await?, &units);
        // Who also takes which reminders by e-mail (only when the install sends e-mail).
        let prefs: HashMap<UserId, Preferences> = match self.settings.mail {
            Some(_) => store::notice_prefs::all(&mut c).await?.into_iter().collect(),
            None => HashMap::new(),
        };
        let webhooks: Vec<WebhookRow> =
            store::webhooks::list_webhooks(&mut c).await?.into_iter().filter(|w| w.active).collect();
        let mut limits: HashMap<(Option<CategoryId>, FeedbackKind), domain::limits::TimeLimits> = HashMap::new();
        let mut digests: BTreeMap<UnitId, (i64, i64, i64)> = BTreeMap::new();
        let cutoff = due_soon_cutoff(cal, today, due_soon_days);
        let mut made = 0;
        for row in &watched {
            let callback_due = match row.closed_at {
                Some(closed) => {
                    let l = match limits.entry((row.category_id, row.kind)) {
                        Entry::Occupied(e) => *e.get(),
                        Entry::Vacant(e) => *e.insert(self.limits_for(&mut c, row.category_id, row.kind).await?),
                    };
                    Some(domain::limits::callback_due(cal, china_date(closed), &l))
                }
                None => None,
            };
            let w = watched_of(row, callback_due);
            if row.status != Status::Closed {
                let flags = derive(w.flags, today, cutoff, cal);
                let d = digests.entry(row.lead_unit_id).or_default();
                *d = (d.0 + 1, d.1 + i64::from(flags.due_soon), d.2 + i64::from(flags.overdue));
            }
            for due in due_on(today, cal, due_soon_days, &rules, &w) {
                let to = people.for_due(&due, row);
                made += self
                    .send_to(
                        &mut c,
                        &prefs,
                        &due.key,
                        to,
                        |user| NewNotice {
                            key: String::new(),
                            kind: due.kind,
                            problem_id: Some(row.id),
                            unit_id: Some(row.lead_unit_id),
                            user_id: user,
                            channel: NoticeChannel::Inbox,
                            colour: due.colour,
                            stage: due.stage,
                            deadline: due.deadline,
                            figures: None,
                            day: today,
                            status: NoticeStatus::Sent,
                            last_error: None,
                        },
                        now,
                    )
                    .await?;
                let event = event_of_notice(due.kind);
                let wanting: Vec<&WebhookRow> = webhooks.iter().filter(|w| w.wants(event)).collect();
                if !wanting.is_empty() {
                    let about = About {
                        kind: due.kind,
                        problem: Some(format!("{} {}", row.number.as_str(), row.title)),
                        deadline: due.deadline,
                        colour: due.colour,
                        stage: due.stage,
                        unit: None,
                        figures: None,
                        day: today,
                    };
                    let subject = self.reminder_subject(&units, row, &headline(&about), due.kind, today);
                    self.deliver_to(&mut c, &wanting, &due.key, event, &subject, now).await?;
                }
            }
        }
        let digest_hooks: Vec<&WebhookRow> = webhooks.iter().filter(|w| w.wants(Event::Reminder)).collect();
        if cal.is_working_day(today) {
            for (unit, figures) in digests {
                let to = people.of_unit(unit, &[Role::Liaison, Role::Leader]);
                made += self
                    .send_to(
                        &mut c,
                        &prefs,
                        &digest_key(unit, today),
                        to,
                        |user| NewNotice {
                            key: String::new(),
                            kind: NoticeKind::DailyDigest,
                            problem_id: None,
                            unit_id: Some(unit),
                            user_id: user,
                            channel: NoticeChannel::Inbox,
                            colour: None,
                            stage: None,
                            deadline: None,
                            figures: Some(figures),
                            day: today,
                            status: NoticeStatus::Sent,
                            last_error: None,
                        },
                        now,
                    )
                    .await?;
                if !digest_hooks.is_empty() {
                    let (open, due_soon, overdue) = figures;
                    let about = About {
                        kind: NoticeKind::DailyDigest,
                        problem: None,
                        deadline: None,
                        colour: None,
                        stage: None,
                        unit: units.iter().find(|u| u.id == unit).map(|u| u.name.clone()),
                        figures: Some(DigestFigures { open, due_soon, overdue }),
                        day: today,
                    };
                    let subject = self.digest_subject(&units, unit, &headline(&about), figures, today);
                    let key = digest_key(unit, today);
                    self.deliver_to(&mut c, &digest_hooks, &key, Event::Reminder, &subject, now).await?;
                }
            }
        }
        store::notices::finish_run(&mut c, REMINDERS, today, holder, now).await?;
        // On the record, and it moves the audit chain's head: every node's cached pages then show
        // the new reminders on the problems' timelines.
        let actor = crate::Actor::System("scheduler");
        crate::audit::Entry::new(&actor, "notice.plan", "notice_run", None)
            .after(&serde_json::json!({"day": today, "made": made, "holder": holder}))?
            .record(&mut c, now)
            .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// Makes the notice for each recipient's inbox, and one to send by e-mail for those who
    /// chose it, or one failed notice naming no one when there is nobody to receive it (so that
    /// the admin sees it went nowhere). The number made now.
    async fn send_to(
        &self,
        c: &mut Conn<'_>,
        prefs: &HashMap<UserId, Preferences>,
        key: &str,
        to: Vec<UserId>,
        notice: impl Fn(Option<UserId>) -> NewNotice,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut made = 0;
        if to.is_empty() {
            let n = NewNotice {
                key: format!("{key}:nobody"),
                status: NoticeStatus::Failed,
                last_error: Some(NOBODY.into()),
                ..notice(None)
            };
            made += usize::from(store::notices::insert_notice(c, &n, now).await?.is_some());
        }
        for user in to {
            let n = NewNotice { key: format!("{key}:u{user}:inbox"), ..notice(Some(user)) };
            let kind = n.kind;
            made += usize::from(store::notices::insert_notice(c, &n, now).await?.is_some());
            if prefs.get(&user).is_some_and(|p| p.emails(kind)) {
                let n = NewNotice {
                    key: format!("{key}:u{user}:email"),
                    channel: NoticeChannel::Email,
                    status: NoticeStatus::Pending,
                    ..notice(Some(user))
                };
                made += usize::from(store::notices::insert_notice(c, &n, now).await?.is_some());
            }
        }
        Ok(made)
    }
}

/// Why a notice went nowhere.
const NOBODY: &str = "该单位没有可接收的人员 / no one in the unit to receive it";

fn watched_of(row: &WatchedRow, callback_due: Option<chrono::NaiveDate>) -> Watched {
    let open = row.status != Status::Closed;
    Watched {
        problem: row.id,
        flags: FlagInputs {
            open,
            deadline: row.deadline,
            next_measure_deadline: row.next_measure_deadline,
            awaiting_resubmission: row.awaiting_resubmission,
            manual: row.manual_colour,
        },
        signoff: match (row.status, row.signoff_stage, row.stage_since) {
            (Status::Submitted, Some(stage), Some(since)) => Some((stage, china_date(since))),
            _ => None,
        },
        callback_due: if open { None } else { callback_due },
    }
}

/// The active users by unit, and the units' paths: who each reminder goes to.
struct People {
    by_unit: HashMap<UnitId, Vec<(UserId, Role)>>,
    paths: HashMap<UnitId, String>,
}

impl People {
    fn new(users: Vec<UserRow>, units: &[store::units::UnitRow]) -> Self {
        let mut by_unit: HashMap<UnitId, Vec<(UserId, Role)>> = HashMap::new();
        for u in users.into_iter().filter(|u| u.active) {
            by_unit.entry(u.unit_id).or_default().push((u.id, u.role));
        }
        Self { by_unit, paths: units.iter().map(|u| (u.id, u.path.clone())).collect() }
    }

    fn of_unit(&self, unit: UnitId, roles: &[Role]) -> Vec<UserId> {
        let users = self.by_unit.get(&unit).map(Vec::as_slice).unwrap_or_default();
        users.iter().filter(|(_, r)| roles.contains(r)).map(|(id, _)| *id).collect()
    }

    fn is_active(&self, user: UserId) -> bool {
        self.by_unit.values().any(|users| users.iter().any(|(id, _)| *id == user))
    }

    /// Users of `role` in the unit or any unit above it.
    fn above(&self, unit: UnitId, role: Role) -> Vec<UserId> {
        let Some(path) = self.paths.get(&unit) else {
            return Vec::new();
        };
        let mut out: Vec<UserId> = self
            .paths
            .iter()
            .filter(|(_, p)| path.starts_with(p.as_str()))
            .flat_map(|(id, _)| self.of_unit(*id, &[role]))
            .collect();
        out.sort();
        out
    }

    fn for_due(&self, due: &Due, row: &WatchedRow) -> Vec<UserId> {
        let unit = row.lead_unit_id;
        match due.kind {
            NoticeKind::DueSoon | NoticeKind::Overdue => self.of_unit(unit, &[Role::Liaison]),
            // Red is overdue: the liaison is already chased every day, so it goes to the leaders.
            NoticeKind::ColourRaised if due.colour == Some(domain::supervision::Colour::Red) => {
                self.of_unit(unit, &[Role::Leader])
            }
            NoticeKind::ColourRaised | NoticeKind::DailyDigest => self.of_unit(unit, &[Role::Liaison, Role::Leader]),
            NoticeKind::SignoffWaiting => match due.stage {
                Some(SignoffStage::Verifier) => match self.above(unit, Role::Supervisor) {
                    none if none.is_empty() => self.above(unit, Role::Office),
                    some => some,
                },
                // The responsible leader approves; without one, the unit's leaders.
                _ => match row.responsible_leader_id.filter(|id| self.is_active(*id)) {
                    Some(leader) => vec![leader],
                    None => self.of_unit(unit, &[Role::Leader]),
                },
            },
            NoticeKind::CallbackDue => self.above(unit, Role::Office),
        }
    }
}
