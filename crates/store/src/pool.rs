//! The connection pool the repository runs its statements on.
//!
//! Through a transaction pooler (PgBouncer before 1.21) a server connection is the client's only
//! inside a transaction, while sqlx sends a statement's parse and its execution as two exchanges:
//! between them another client may get the server connection. So, in that mode, a statement run
//! on the pool outside a transaction runs in a transaction of its own, committed before its
//! result is handed back (a write is never acknowledged before it has committed); the store's own
//! transactions hold their server connection from `BEGIN` to `COMMIT` anyway.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::{Database, Either, Error, Execute, Executor};
use sqlx_core::sql_str::SqlStr;

/// A sqlx pool that may give every lone statement a transaction of its own.
#[derive(Debug)]
pub(crate) struct Pool<DB: Database> {
    inner: sqlx::Pool<DB>,
    /// Lone statements run in a transaction of their own (transaction pooler mode).
    own_transactions: bool,
    /// How the store's transactions begin, when not with a plain `BEGIN`.
    begin: Option<&'static str>,
}

// By hand: a derived `Clone` would ask the database type itself to be `Clone`.
impl<DB: Database> Clone for Pool<DB> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
            own_transactions: self.own_transactions,
            begin: self.begin,
        }
    }
}

impl<DB: Database> Pool<DB> {
    /// A pool over `inner`; `own_transactions` for a server behind a transaction pooler.
    pub(crate) fn new(inner: sqlx::Pool<DB>, own_transactions: bool) -> Self {
        Pool {
            inner,
            own_transactions,
            begin: None,
        }
    }

    /// The store's transactions begin with `statement` (SQLite: `BEGIN IMMEDIATE`).
    pub(crate) fn beginning_with(mut self, statement: &'static str) -> Self {
        self.begin = Some(statement);
        self
    }

    /// Starts a transaction.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, DB>, Error> {
        match self.begin {
            Some(statement) => self.inner.begin_with(statement).await,
            None => self.inner.begin().await,
        }
    }

    /// The sqlx pool itself, for what statements do not need: its size, a connection taken and
    /// given back at once, a transaction begun with its own statement.
    pub(crate) fn sqlx(&self) -> &sqlx::Pool<DB> {
        &self.inner
    }
}

impl<'p, DB: Database> Executor<'p> for &'p Pool<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Database = DB;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        if !self.own_transactions {
            return self.inner.fetch_many(query);
        }
        let pool = self.inner.clone();
        // The rows are collected before the commit, so that nothing is handed on from a
        // transaction that might still fail.
        stream::once(async move {
            let mut tx = pool.begin().await?;
            let rows: Vec<_> = (&mut *tx).fetch_many(query).try_collect().await?;
            tx.commit().await?;
            Ok::<_, Error>(stream::iter(rows.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<DB::Row>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        if !self.own_transactions {
            return self.inner.fetch_optional(query);
        }
        let pool = self.inner.clone();
        Box::pin(async move {
            let mut tx = pool.begin().await?;
            let row = (&mut *tx).fetch_optional(query).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [DB::TypeInfo],
    ) -> BoxFuture<'e, Result<DB::Statement, Error>>
    where
        'p: 'e,
    {
        self.inner.prepare_with(sql, parameters)
    }

    fn describe<'e>(
        self,
        sql: SqlStr,
    ) -> BoxFuture<'e, Result<sqlx_core::describe::Describe<DB>, Error>>
    where
        'p: 'e,
    {
        self.inner.describe(sql)
    }
}
