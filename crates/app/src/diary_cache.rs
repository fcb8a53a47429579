//! Recently assembled diary weeks, kept in process for a few seconds, with the response bodies
//! rendered from them.
//!
//! At the start of a school day most students and parents open the same current week within
//! minutes. A week is derived data: dropping an entry is always correct. An entry is fresh for
//! [`TTL`]; after that the first request rebuilds it while concurrent ones still get the previous
//! copy, for at most one more [`TTL`] — so a week is never more than two TTLs stale, also when
//! another server process made the change, and an expiry does not send every waiting request to
//! the database at once.
//! Writes reach it through the outbox (`crate::outbox`): it follows what each write changed, in
//! this process or another node, and drops the weeks that change may touch; every request first
//! brings the follower up to the outbox's head (`App::authenticate_token`), so a week is never
//! served after a change that committed before the request arrived.
//! The cache is bounded by the bytes it holds, not by entries: a morning's crowd of different
//! students each opening their own week must not grow the server; past [`MAX_BYTES`] the older
//! half of the entries goes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::NaiveDate;
use sgo_core::changes::{Changed, Scope};
use sgo_core::{OrganizationId, StudentId};

use crate::diary::DiaryWeek;
use crate::outbox::Subscriber;

/// How long an assembled week is served without reading the database again.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// What the weeks and their bodies may take together (estimated).
const MAX_BYTES: usize = 48 << 20;

type Key = (StudentId, NaiveDate, NaiveDate);

/// Bodies rendered from one cached week, by format (shared: every hit hands them out).
#[derive(Clone, Default)]
pub(crate) struct Bodies(Arc<Vec<(&'static str, Bytes)>>);

impl Bodies {
    /// The body in `format`, if rendered.
    pub fn get(&self, format: &str) -> Option<Bytes> {
        self.0
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, b)| b.clone())
    }
}

/// (student, first day, last day) → the week and when it was assembled.
#[derive(Default)]
pub(crate) struct DiaryCache {
    inner: Mutex<Inner>,
    /// Counts the drops; see [`DiaryCache::generation`].
    generation: AtomicU64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    /// The estimated size of every entry together.
    bytes: usize,
}

struct Entry {
    built: Instant,
    week: Arc<DiaryWeek>,
    bodies: Bodies,
    /// The estimated size of the week and its bodies.
    bytes: usize,
    /// Someone is rebuilding this week; meanwhile the old copy is served.
    refreshing: bool,
}

impl Inner {
    fn remove_where(&mut self, mut drop: impl FnMut(&Key, &Entry) -> bool) {
        let mut freed = 0;
        self.entries.retain(|k, e| {
            let gone = drop(k, e);
            if gone {
                freed += e.bytes;
            }
            !gone
        });
        self.bytes -= freed;
    }

    /// Makes room for `more` bytes: the older half goes when the bound would be passed.
    fn make_room(&mut self, more: usize) {
        if self.bytes + more <= MAX_BYTES {
            return;
        }
        self.remove_where(|_, e| e.built.elapsed() >= 2 * TTL);
        if self.bytes + more > MAX_BYTES {
            let mut ages: Vec<Instant> = self.entries.values().map(|e| e.built).collect();
            ages.sort_unstable();
            let cut = ages.get(ages.len() / 2).copied();
            self.remove_where(|_, e| cut.is_none_or(|cut| e.built <= cut));
        }
    }
}

impl DiaryCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The week if fresh, or while another request rebuilds it; `None` tells the caller to build it.
    pub fn get(
        &self,
        student: StudentId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<(Arc<DiaryWeek>, Bodies)> {
        let mut inner = self.lock();
        let week = match inner.entries.get_mut(&(student, from, to)) {
            None => None,
            Some(entry) => {
                let age = entry.built.elapsed();
                if age < TTL || (age < 2 * TTL && entry.refreshing) {
                    Some((entry.week.clone(), entry.bodies.clone()))
                } else {
                    entry.refreshing = age < 2 * TTL;
                    None
                }
            }
        };
        drop(inner);
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
        week: &Arc<DiaryWeek>,
        generation: u64,
    ) {
        let mut inner = self.lock();
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        let bytes = week.approx_bytes();
        if let Some(old) = inner.entries.remove(&(student, from, to)) {
            inner.bytes -= old.bytes;
        }
        inner.make_room(bytes);
        let entry = Entry {
            built: Instant::now(),
            week: week.clone(),
            bodies: Bodies::default(),
            bytes,
            refreshing: false,
        };
        inner.bytes += bytes;
        inner.entries.insert((student, from, to), entry);
    }

    /// Keeps a body rendered from `week`, if that week is still the one cached.
    pub fn put_body(&self, week: &Arc<DiaryWeek>, format: &'static str, body: Bytes) {
        let key = (week.student.account_id, week.from, week.to);
        let mut inner = self.lock();
        let current = |inner: &Inner| {
            inner
                .entries
                .get(&key)
                .is_some_and(|e| Arc::ptr_eq(&e.week, week) && e.bodies.get(format).is_none())
        };
        if !current(&inner) {
            return;
        }
        let more = body.len();
        inner.make_room(more);
        if let Some(entry) = inner.entries.get_mut(&key) {
            entry.bytes += more;
            Arc::make_mut(&mut entry.bodies.0).push((format, body));
            inner.bytes += more;
        }
    }

    /// Drops every cached week of a student, after a change to their diary.
    pub fn forget_student(&self, student: StudentId) {
        let mut inner = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        inner.remove_where(|(s, _, _), _| *s == student);
    }

    /// Drops every cached week of the students of an organization.
    pub fn forget_organization(&self, organization: OrganizationId) {
        let mut inner = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        inner.remove_where(|_, e| e.week.student.organization_id == organization);
    }

    /// Drops every cached week, after a change to lessons that many students may see.
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        inner.entries.clear();
        inner.bytes = 0;
    }

    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.lock().bytes
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

    fn week() -> Arc<DiaryWeek> {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        Arc::new(DiaryWeek {
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
        })
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
        let mut inner = cache.inner.lock().unwrap();
        inner
            .entries
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

    #[test]
    fn bodies_are_kept_with_their_week_and_dropped_with_it() {
        let cache = DiaryCache::default();
        let w = week();
        cache.put(StudentId::new(1), w.from, w.to, &w, cache.generation());
        cache.put_body(&w, "json", Bytes::from_static(b"{}"));
        let (_, bodies) = cache.get(StudentId::new(1), w.from, w.to).unwrap();
        assert_eq!(bodies.get("json").as_deref(), Some(&b"{}"[..]));
        assert!(bodies.get("html").is_none());
        // A body rendered from a week that is no longer the cached one is not kept.
        let other = week();
        cache.put(StudentId::new(1), w.from, w.to, &other, cache.generation());
        cache.put_body(&w, "html", Bytes::from_static(b"<p>"));
        let (_, bodies) = cache.get(StudentId::new(1), w.from, w.to).unwrap();
        assert!(bodies.get("html").is_none() && bodies.get("json").is_none());
        cache.forget_student(StudentId::new(1));
        assert_eq!(cache.held_bytes(), 0);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = DiaryCache::default();
        let w = week();
        let body = Bytes::from(vec![b'x'; 64 << 10]);
        for student in 1..2_000 {
            let mut one = DiaryWeek::clone(&w);
            one.student.account_id = StudentId::new(student);
            let one = Arc::new(one);
            cache.put(
                StudentId::new(student),
                w.from,
                w.to,
                &one,
                cache.generation(),
            );
            cache.put_body(&one, "json", body.clone());
            assert!(cache.held_bytes() <= MAX_BYTES);
        }
        let last = StudentId::new(1_999);
        assert!(
            cache.get(last, w.from, w.to).is_some(),
            "the newest week stays"
        );
        assert!(
            cache.get(StudentId::new(1), w.from, w.to).is_none(),
            "the oldest went"
        );
    }
}
