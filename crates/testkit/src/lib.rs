//! What the integration tests of every crate share, so that each test file holds only its tests:
//! [`both_engines!`], the territory and organization fixtures of the store tests
//! ([`fixtures`]), one [`World`] (a demo region on a fresh database, the application, the router
//! and the clock), sign-in as a browser or a NetSchool client ([`sign_in`]), requests with CSRF
//! and JSON ([`http`]), the page header checks ([`headers`]), a real SMTP server ([`smtp`]) and
//! what the mail tests share ([`mailing`]).
//!
//! Only integration tests (`tests/*.rs`) may use it: it depends on the crates it tests, which a
//! crate's own `#[cfg(test)]` unit tests cannot see.

#![allow(clippy::unwrap_used)] // a failed unwrap in a test helper is a failed test

pub mod fixtures;
pub mod headers;
pub mod http;
pub mod mailing;
pub mod sign_in;
pub mod smtp;
pub mod tempdir;
pub mod world;

pub use http::{CSRF, Response, csrf_for, multipart, set_cookie_value};
pub use sgo_store::Engine;
pub use sgo_store::testing::TestStore;
pub use sign_in::{Browser, SignedIn};
pub use world::{Demo, World, WorldBuilder, demo_server_key, demo_store, today, world, world_with};

/// Runs each named `async fn(Engine)` of the test file once on SQLite and once on PostgreSQL,
/// as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::Engine::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name($crate::Engine::Postgres).await; })*
        }
    };
}
