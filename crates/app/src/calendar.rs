//! The working-day calendar as the install keeps it: the shipped holidays for 2025–2026, seeded at
//! start, and whatever the admin enters for later years. Read often and changed rarely, so each
//! node caches it for a minute.

use crate::{Actor, App};
use chrono::{Datelike, NaiveDate};
use domain::calendar::{SpecialDay, WorkCalendar, builtin_days, builtin_years};
use domain::{Error, Result};
use std::sync::RwLock;

const CACHE_SECONDS: i64 = 60;

#[derive(Default)]
pub(crate) struct CalendarCache(RwLock<Option<(chrono::DateTime<chrono::Utc>, WorkCalendar)>>);

/// A year's arrangement as the admin edits it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct YearView {
    pub year: i32,
    /// Whether the year's official arrangement has been entered.
    pub covered: bool,
    pub days: Vec<SpecialDay>,
}

impl App {
    /// Seeds the shipped arrangement for any shipped year not yet in the database.
    pub async fn seed_builtin_calendar(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for year in builtin_years() {
            if store::calendar::is_year_marked(&mut tx.conn(), year).await? {
                continue;
            }
            for day in builtin_days().iter().filter(|d| d.date.year() == year) {
                store::calendar::upsert_day(&mut tx.conn(), day).await?;
            }
            store::calendar::mark_year(&mut tx.conn(), year, "builtin").await?;
        }
        self.commit(tx).await
    }

    /// The calendar, at most a minute old.
    pub async fn calendar(&self) -> Result<WorkCalendar> {
        let now = self.clock.now();
        if let Ok(guard) = self.calendar.0.read()
            && let Some((at, cal)) = guard.as_ref()
            && (now - *at).num_seconds() < CACHE_SECONDS
        {
            return Ok(cal.clone());
        }
        let mut pooled = self.db.acquire().await?;
        let cal = store::calendar::load_calendar(&mut pooled.conn()).await?;
        if let Ok(mut guard) = self.calendar.0.write() {
            *guard = Some((now, cal.clone()));
        }
        Ok(cal)
    }

    fn forget_calendar(&self) {
        if let Ok(mut guard) = self.calendar.0.write() {
            *guard = None;
        }
    }

    pub async fn calendar_year(&self, year: i32) -> Result<YearView> {
        check_year(year)?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        Ok(YearView {
            year,
            covered: store::calendar::is_year_marked(&mut c, year).await?,
            days: store::calendar::list_days(&mut c, year).await?,
        })
    }

    /// Replaces a year's arrangement (admin): every date that differs from the normal week.
    pub async fn set_calendar_year(&self, actor: &Actor, year: i32, days: Vec<SpecialDay>) -> Result<YearView> {
        actor.admin()?;
        check_year(year)?;
        if let Some(stray) = days.iter().find(|d| d.date.year() != year) {
            return Err(Error::invalid(
                "days",
                format!("日期 {} 不在 {year} 年内", stray.date),
                format!("{} is not in {year}", stray.date),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = days.iter().find(|d| !seen.insert(d.date)) {
            return Err(Error::invalid(
                "days",
                format!("日期 {} 重复", dup.date),
                format!("{} appears twice", dup.date),
            ));
        }
        let before = self.calendar_year(year).await?;
        let mut tx = self.db.begin().await?;
        store::calendar::delete_days_of_year(&mut tx.conn(), year).await?;
        for day in &days {
            let note = domain::text::optional_text("note", Some(&day.note), 50)?.unwrap_or_default();
            store::calendar::upsert_day(&mut tx.conn(), &SpecialDay { note, ..day.clone() }).await?;
        }
        store::calendar::mark_year(&mut tx.conn(), year, "admin").await?;
        let after = YearView { year, covered: true, days };
        crate::audit::Entry::new(actor, "calendar.set_year", "calendar", Some(i64::from(year)))
            .before(&before)?
            .after(&after)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        self.forget_calendar();
        Ok(after)
    }

    /// The deadline `days` working days after `from`, with a warning if it lands in a year the
    /// calendar does not cover.
    pub async fn working_deadline(
        &self,
        from: NaiveDate,
        days: u32,
    ) -> Result<(NaiveDate, Vec<domain::calendar::CalendarWarning>)> {
        let cal = self.calendar().await?;
        let due = cal.add_working_days(from, days);
        Ok((due, cal.warnings_for(&[from, due])))
    }
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(
            "year",
            format!("年份 {year} 超出范围（2000–2100）"),
            format!("year {year} is out of range (2000–2100)"),
        ))
    }
}
