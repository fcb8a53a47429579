// Region administration: the SQL of [`crate::TerritoryAdminStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::TerritoryAdminStore for Backend {}
