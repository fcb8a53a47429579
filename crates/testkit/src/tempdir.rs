//! A temporary directory removed when dropped (no extra crate needed).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// The directory.
pub struct Dir {
    /// Its path.
    pub path: PathBuf,
}

impl Dir {
    /// A new, not yet created, directory under the system temporary directory.
    #[allow(clippy::new_without_default)] // each call is a new directory: not a default value
    pub fn new() -> Dir {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sgo-test-files-{}-{n}", std::process::id()));
        Dir { path }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
