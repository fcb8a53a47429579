// Imports of students, parents and staff: the SQL of [`crate::ImportStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::ImportStore for Backend {}
