// People: the SQL of [`crate::PeopleStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::PeopleStore for Backend {}
