//! The life of a report built in the background: its states, and the limits that keep many
//! people asking at once from crowding out the diary.

/// Where a queued report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportJobState {
    /// Waiting for a free worker.
    Queued,
    /// Being built.
    Running,
    /// Built; the document can be read until it expires.
    Done,
    /// Could not be built; the job carries the reason.
    Failed,
}

impl ReportJobState {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportJobState::Queued => "queued",
            ReportJobState::Running => "running",
            ReportJobState::Done => "done",
            ReportJobState::Failed => "failed",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<ReportJobState> {
        match s {
            "queued" => Some(ReportJobState::Queued),
            "running" => Some(ReportJobState::Running),
            "done" => Some(ReportJobState::Done),
            "failed" => Some(ReportJobState::Failed),
            _ => None,
        }
    }

    /// True once the job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, ReportJobState::Done | ReportJobState::Failed)
    }

    /// How the state reads in the interface.
    pub fn label(self) -> &'static str {
        match self {
            ReportJobState::Queued => "В очереди",
            ReportJobState::Running => "Строится",
            ReportJobState::Done => "Готов",
            ReportJobState::Failed => "Ошибка",
        }
    }
}

/// How many reports one account may have queued or building at once: enough for a deputy head
/// ordering a batch, too few for one account to fill the queue.
pub const MAX_UNFINISHED_JOBS_PER_ACCOUNT: i64 = 5;

/// How long a finished report is kept, in hours.
pub const REPORT_RETENTION_HOURS: i64 = 24;

/// Progress in percent after `done` of `total` steps, never 100 before the document is stored.
pub fn progress_percent(done: usize, total: usize) -> i32 {
    if total == 0 {
        return 0;
    }
    let p = done.min(total) * 99 / total;
    i32::try_from(p).unwrap_or(99)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_only_done_or_failed_are_final() {
        for s in [
            ReportJobState::Queued,
            ReportJobState::Running,
            ReportJobState::Done,
            ReportJobState::Failed,
        ] {
            assert_eq!(ReportJobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReportJobState::parse("other"), None);
        assert!(!ReportJobState::Queued.is_finished());
        assert!(!ReportJobState::Running.is_finished());
        assert!(ReportJobState::Done.is_finished());
        assert!(ReportJobState::Failed.is_finished());
    }

    #[test]
    fn progress_grows_but_stays_below_complete() {
        assert_eq!(progress_percent(0, 0), 0);
        assert_eq!(progress_percent(0, 4), 0);
        assert_eq!(progress_percent(2, 4), 49);
        assert_eq!(progress_percent(4, 4), 99);
        assert_eq!(progress_percent(9, 4), 99);
        assert_eq!(progress_percent(1, 500), 0);
        assert_eq!(progress_percent(250, 500), 49);
    }
}
