//! The audit log (журнал изменений) as an administrator browses it.

mod write;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use sgo_core::policy::SchoolAdministrator;
use sgo_core::{OrganizationId, policy, text};
use sgo_store::AuditLogFilter;

use crate::error::administered;
use crate::{App, AppError, AppResult};

/// Entries on one page.
pub const PAGE_SIZE: i64 = 50;

/// The time zone the log is shown and filtered in: Moscow time, which has no daylight saving.
pub fn log_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap_or(Utc.fix())
}

/// The areas of action codes (the part before the dot) with their Russian names, for the filter
/// and for titles.
pub const AREAS: &[(&str, &str)] = &[
    ("region", "Регион"),
    ("municipality", "Муниципалитет"),
    ("settlement", "Населённый пункт"),
    ("organization", "Организация"),
    ("year", "Учебный год"),
    ("period", "Учебный период"),
    ("holiday", "Каникулы"),
    ("class", "Класс"),
    ("subgroup", "Подгруппа"),
    ("subject", "Предмет"),
    ("curriculum", "Учебный план"),
    ("timetable", "Расписание"),
    ("bells", "Расписание звонков"),
    ("lesson", "Урок"),
    ("person", "Человек"),
    ("account", "Учётная запись"),
    ("password", "Пароль"),
    ("import", "Импорт"),
    ("settings", "Личные настройки"),
];

/// Whole titles for codes whose generic title would read badly.
const TITLES: &[(&str, &str)] = &[
    ("settings.update", "Изменение личных настроек"),
    ("password.change", "Смена пароля"),
    ("password.reset", "Выдача временного пароля"),
    ("account.deactivate", "Блокировка учётной записи"),
    ("account.activate", "Разблокировка учётной записи"),
    ("import.run", "Импорт данных"),
];

const VERBS: &[(&str, &str)] = &[
    ("create", "создание"),
    ("add", "добавление"),
    ("update", "изменение"),
    ("edit", "изменение"),
    ("delete", "удаление"),
    ("remove", "удаление"),
    ("move", "перевод"),
    ("link", "привязка"),
    ("unlink", "отвязка"),
    ("reset", "сброс"),
    ("import", "импорт"),
    ("generate", "формирование"),
    ("activate", "включение"),
    ("deactivate", "отключение"),
];

/// A Russian title for an action code: a known title, else «Область: действие», else the code.
pub fn action_title(code: &str) -> String {
    if let Some((_, title)) = TITLES.iter().find(|(c, _)| *c == code) {
        return (*title).to_owned();
    }
    let (area, verb) = code.split_once('.').unwrap_or((code, ""));
    match AREAS.iter().find(|(a, _)| *a == area) {
        Some((_, area_title)) => match VERBS.iter().find(|(v, _)| *v == verb) {
            Some((_, verb_title)) => format!("{area_title}: {verb_title}"),
            None if verb.is_empty() => (*area_title).to_owned(),
            None => format!("{area_title}: {verb}"),
        },
        None => code.to_owned(),
    }
}

/// What to show: the filters of the page.
#[derive(Debug, Clone, Default)]
pub struct AuditLogQuery {
    /// The organization; `None` means the actor's own, or every organization for the region
    /// administrator who asks for all.
    pub organization_id: Option<OrganizationId>,
    /// The region administrator asks for every organization.
    pub all_organizations: bool,
    /// First day shown (Moscow time).
    pub from: Option<NaiveDate>,
    /// Last day shown (Moscow time).
    pub to: Option<NaiveDate>,
    /// A piece of the actor's name or login.
    pub who: String,
    /// An area code from [`AREAS`], or empty for all.
    pub area: String,
    /// A piece of the object or the details.
    pub text: String,
    /// Page number from 1.
    pub page: i64,
}

/// An entry as the page shows it.
#[derive(Debug, Clone)]
pub struct AuditLogEntry {
    /// When, in Moscow time.
    pub at: DateTime<FixedOffset>,
    /// The organization's short name, when every organization is shown.
    pub organization: Option<String>,
    /// The actor's display name, if the account still exists.
    pub actor_name: Option<String>,
    /// The actor's login.
    pub actor_login: Option<String>,
    /// The action code.
    pub action: String,
    /// Its Russian title.
    pub title: String,
    /// The thing changed.
    pub target: String,
    /// What changed.
    pub details: String,
    /// The client address.
    pub ip: String,
}

/// One page of the log with what the filters need.
#[derive(Debug, Clone)]
pub struct AuditLogPage {
    /// The entries, newest first.
    pub entries: Vec<AuditLogEntry>,
    /// How many entries match in all.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
    /// How many pages there are (at least 1).
    pub pages: i64,
    /// The organization shown, `None` for all.
    pub organization_id: Option<OrganizationId>,
    /// The organizations to choose from (only for the region administrator).
    pub organizations: Vec<(OrganizationId, String)>,
}

/// The spellings a case-sensitive match needs to find a piece of Russian text: as typed, lower
/// case, capitalised, upper case and normalised (SQLite's LIKE folds ASCII letters only).
fn spellings(piece: &str) -> Vec<String> {
    let piece = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    if piece.is_empty() {
        return Vec::new();
    }
    let lower = piece.to_lowercase();
    let mut chars = lower.chars();
    let capitalised = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect::<String>())
        .unwrap_or_default();
    let mut out = vec![
        piece.clone(),
        lower.clone(),
        capitalised,
        piece.to_uppercase(),
        text::normalise(&piece),
    ];
    out.sort();
    out.dedup();
    out
}

/// The UTC moment a Moscow-time day starts.
fn day_start(day: NaiveDate) -> Option<DateTime<Utc>> {
    log_offset()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

impl App {
    /// A page of the audit log of an organization (or of all, for the region administrator).
    pub async fn audit_log(
        &self,
        admin: &SchoolAdministrator,
        query: &AuditLogQuery,
    ) -> AppResult<AuditLogPage> {
        let region = policy::may_administer_region(admin.actor());
        let organization_id = match query.organization_id {
            Some(org) => Some(org),
            None if region && query.all_organizations => None,
            None => Some(admin.home()),
        };
        match organization_id {
            Some(org) => {
                administered(admin, org)?;
            }
            None if region => {}
            None => return Err(AppError::Forbidden),
        }
        let area = query.area.trim();
        if !area.is_empty() && !AREAS.iter().any(|(a, _)| *a == area) {
            return Err(AppError::BadRequest(msg!("audit-log-area-unknown")));
        }
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from > to
        {
            return Err(AppError::BadRequest(msg!("audit-log-dates-reversed")));
        }
        let filter = AuditLogFilter {
            organization_id: organization_id.map(OrganizationId::get),
            from: query.from.and_then(day_start),
            before: query
                .to
                .and_then(|d| d.checked_add_signed(Duration::days(1)))
                .and_then(day_start),
            who: spellings(&query.who),
            area: (!area.is_empty()).then(|| area.to_owned()),
            text: spellings(&query.text),
        };
        let total = self.store.count_audit_log(&filter).await?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let rows = self
            .store
            .audit_log(&filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)
            .await?;
        let organizations: Vec<(OrganizationId, String)> = if region {
            self.store
                .search_organizations(None, None)
                .await?
                .into_iter()
                .map(|o| (OrganizationId::new(o.id), o.short_name))
                .collect()
        } else {
            Vec::new()
        };
        let name_of = |id: Option<i64>| {
            organizations
                .iter()
                .find(|(o, _)| Some(*o) == id.map(OrganizationId::new))
                .map(|(_, n)| n.clone())
        };
        let offset = log_offset();
        let entries = rows
            .into_iter()
            .map(|r| AuditLogEntry {
                at: r.at.with_timezone(&offset),
                organization: if organization_id.is_none() {
                    name_of(r.organization_id).or(r.organization_id.map(|id| id.to_string()))
                } else {
                    None
                },
                actor_name: r.actor_name,
                actor_login: r.actor_login,
                title: action_title(&r.action),
                action: r.action,
                target: r.target,
                details: r.details,
                ip: r.ip,
            })
            .collect();
        Ok(AuditLogPage {
            entries,
            total,
            page,
            pages,
            organization_id,
            organizations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_fall_back_to_the_code() {
        assert_eq!(action_title("settings.update"), "Изменение личных настроек");
        assert_eq!(action_title("class.create"), "Класс: создание");
        assert_eq!(action_title("class.promote"), "Класс: promote");
        assert_eq!(action_title("weird"), "weird");
    }

    #[test]
    fn spellings_cover_the_usual_cases() {
        let s = spellings(" иВанов ");
        for want in ["иВанов", "иванов", "Иванов", "ИВАНОВ"] {
            assert!(s.contains(&want.to_owned()), "{want}");
        }
        assert!(spellings("  ").is_empty());
    }

    #[test]
    fn days_start_at_moscow_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            day_start(day).unwrap().to_rfc3339(),
            "2026-11-22T21:00:00+00:00"
        );
    }
}
