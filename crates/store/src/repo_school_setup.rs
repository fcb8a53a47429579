// School set-up: the SQL of [`crate::SchoolSetupStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::SchoolSetupStore for Backend {}
