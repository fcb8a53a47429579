//! Where the server is in its life: serving, or draining before it stops. `sgo serve` flips it
//! on SIGTERM, so that `/readyz` tells the load balancer to send no more requests while those
//! already here finish; the count of requests in progress says how many are still being served.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Shared by the router and whoever stops the server.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    draining: AtomicBool,
    in_flight: AtomicUsize,
}

impl Lifecycle {
    /// From now on `/readyz` answers 503: the server is stopping.
    pub fn begin_draining(&self) {
        self.inner.draining.store(true, Ordering::SeqCst);
    }

    /// Whether the server is stopping.
    pub fn is_draining(&self) -> bool {
        self.inner.draining.load(Ordering::SeqCst)
    }

    /// Requests whose answer has not been produced yet.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// Counts a request until the guard is dropped (also when its future is cancelled).
    pub(crate) fn enter(&self) -> InFlight {
        self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
        metrics::gauge!("sgo_http_requests_in_flight").increment(1.0);
        InFlight {
            inner: self.inner.clone(),
        }
    }
}

/// One request in progress.
pub(crate) struct InFlight {
    inner: Arc<Inner>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
        metrics::gauge!("sgo_http_requests_in_flight").decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_until_dropped() {
        let life = Lifecycle::default();
        let copy = life.clone();
        let a = life.enter();
        let b = copy.enter();
        assert_eq!(life.in_flight(), 2);
        drop(a);
        assert_eq!(copy.in_flight(), 1);
        drop(b);
        assert_eq!(life.in_flight(), 0);
        assert!(!copy.is_draining());
        life.begin_draining();
        assert!(copy.is_draining());
    }
}
