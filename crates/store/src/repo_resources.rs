// Educational resources and courses published for subject groups and classes.: the SQL of [`crate::ResourceStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::ResourceStore for Backend {}
