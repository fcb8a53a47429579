//! Recently assembled diary weeks, kept in process for a few seconds.
//!
//! At the start of a school day most students and parents open the same current week within
//! minutes; assembling it costs several database round trips each time. A week is derived data:
//! dropping an entry is always correct. An entry is fresh for [`TTL`]; after that the first
//! request rebuilds it while concurrent ones still get the previous copy, for at most one more
//! [`TTL`] — so a week is never more than two TTLs stale, also when another server process made
//! the change, and an expiry does not send every waiting request to the database at once.
//! Writes reach it through the outbox (`crate::outbox`): it follows what each write changed, in
//! this process or another node, and drops the weeks that change may touch; every request first
//! brings the follower up to the outbox's head (`App::authenticate_token`), so a week is never
//! served after a change that committed before the request arrived.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sgo_core::changes::{Changed, Scope};
use sgo_core::{OrganizationId, StudentId};

use crate::diary::DiaryWeek;
use crate::outbox::Subscriber;

/// How long an assembled week is served without reading the database again.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// Above this many weeks the cache is emptied rather than grown (a week is a few kilobytes).
const MAX_ENTRIES: usize = 20_000;

type Key = (StudentId, NaiveDate, NaiveDate);

/// (student, first day, last day) → the week and when it was assembled.
#[derive(Default)]
pub(crate) struct DiaryCache {
    entries: Mutex<HashMap<Key, Entry>>,
    /// Counts the drops; see [`DiaryCache::generation`].
    generation: AtomicU64,
}

struct Entry {
    built: Instant,
    week: DiaryWeek,
    /// Someone is rebuilding this week; meanwhile the old copy is served.
    refreshing: bool,
}

impl DiaryCache {
    /// The week if fresh, or while another request rebuilds it; `None` tells the caller to build it.
    pub fn get(&self, student: StudentId, from: NaiveDate, to: NaiveDate) -> Option<DiaryWeek> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let week = match entries.get_mut(&(student, from, to)) {
            None => None,
            Some(entry) => {
                let age = entry.built.elapsed();
                if age < TTL || (age < 2 * TTL && entry.refreshing) {
                    Some(entry.week.clone())
                } else {
                    entry.refreshing = age < 2 * TTL;
                    None
                }
            }
        };
        crate::operations::count_cache_lookup("diary_week", week.is_some());
        week
    }

    /// Read before assembling a week and handed to [`DiaryCache::put`]: a week read from the
    /// database before a change was followed, but kept after, would outlive the drop meant for it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a freshly assembled week, unless something was dropped since `generation` was read
    /// (the week may predate that change).
    pub fn put(
        &self,
        student: StudentId,
        from: NaiveDate,
        to: NaiveDate,
        week: &DiaryWeek,
        generation: u64,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.built.elapsed() < 2 * TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let entry = Entry {
            built: Instant::now(),
            week: week.clone(),
            refreshing: false,
        };
        entries.insert((student, from, to), entry);
    }

    /// Drops every cached week of a student, after a change to their diary.
    pub fn forget_student(&self, student: StudentId) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|(s, _, _), _| *s != student);
    }

    /// Drops every cached week of the students of an organization.
    pub fn forget_organization(&self, organization: OrganizationId) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|_, e| e.week.student.organization_id != organization);
    }

    /// Drops every cached week, after a change to lessons that many students may see.
    pub fn forget_all(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

impl Subscriber for DiaryCache {
    fn changed(&self, changes: &[Changed]) {
        for c in changes {
            match c.stale_diaries() {
                Scope::Nothing => {}
                Scope::Account(student) => self.forget_student(student.as_student()),
                Scope::Organization(organization) => self.forget_organization(organization),
                Scope::Everything => return self.forget_all(),
            }
        }
    }

    fn forget_everything(&self) {
        self.forget_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::DiaryStudent;

    fn week() -> DiaryWeek {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        DiaryWeek {
            student: DiaryStudent {
                account_id: StudentId::new(1),
                display_name: "Иванов Иван".into(),
                class_name: None,
                organization_id: OrganizationId::new(1),
                grade: None,
            },
            from: day,
            to: day,
            days: vec![],
            period_name: None,
        }
    }

    #[test]
    fn a_week_is_served_until_forgotten() {
        let cache = DiaryCache::default();
        let w = week();
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_some());
        assert!(cache.get(StudentId::new(2), w.from, w.to).is_none());
        cache.forget_student(StudentId::new(1));
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_none());
    }

    #[test]
    fn changes_drop_the_weeks_they_reach() {
        use sgo_core::changes::{ChangeKind, ChangeSubject};
        let cache = DiaryCache::default();
        let w = week();
        let mark = |s| Changed::new(ChangeSubject::Student(s), ChangeKind::Marks);
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        cache.changed(&[mark(2)]);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_some());
        cache.changed(&[mark(1)]);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_none());
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        let bells = |o| Changed::new(ChangeSubject::Organization(o), ChangeKind::Bells);
        cache.changed(&[bells(5)]);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_some());
        cache.changed(&[bells(1)]);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_none());
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        cache.changed(&[Changed::new(ChangeSubject::Group(9), ChangeKind::Lessons)]);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_none());
    }

    #[test]
    fn a_week_read_before_a_change_is_not_kept_after_it() {
        let cache = DiaryCache::default();
        let w = week();
        // Assembly starts, then a change is followed while its reads are in flight.
        let before = cache.generation();
        cache.forget_student(StudentId::new(7));
        cache.put(StudentId::new(1), w.from, w.to, &w, before);
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_none());
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        assert!(cache.get(StudentId::new(1), w.from, w.to).is_some());
    }

    /// Makes the cached copy of the week one TTL older.
    fn age(cache: &DiaryCache, w: &DiaryWeek) {
        let mut entries = cache.entries.lock().unwrap();
        entries
            .get_mut(&(StudentId::new(1), w.from, w.to))
            .unwrap()
            .built -= TTL;
    }

    #[test]
    fn an_expired_week_is_rebuilt_by_one_caller_while_others_get_the_old_copy() {
        let cache = DiaryCache::default();
        let w = week();
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        age(&cache, &w);
        assert!(
            cache.get(StudentId::new(1), w.from, w.to).is_none(),
            "the first caller rebuilds"
        );
        assert!(
            cache.get(StudentId::new(1), w.from, w.to).is_some(),
            "the others are served meanwhile"
        );
        age(&cache, &w);
        assert!(
            cache.get(StudentId::new(1), w.from, w.to).is_none(),
            "never older than two TTLs"
        );
    }
}
