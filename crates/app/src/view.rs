//! Store rows become the app's own view types at the boundary: typed ids, `bool` flags, and no
//! `sgo-store` type on a use case's public face.

/// An id with a name, for choices and lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Named<I> {
    /// The id.
    pub id: I,
    /// The name.
    pub name: String,
}

/// Store rows of ids and names, their ids typed by `id` (e.g. `StudentId::new`).
pub(crate) fn named<I>(rows: Vec<sgo_store::NamedRecord>, id: fn(i64) -> I) -> Vec<Named<I>> {
    rows.into_iter()
        .map(|r| Named {
            id: id(r.id),
            name: r.name,
        })
        .collect()
}

/// Converts a list of store rows into the app's view of them.
pub(crate) fn views<R, V: From<R>>(rows: Vec<R>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}
