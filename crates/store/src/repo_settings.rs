// Personal settings of an account, password changes, and reading the change log.: the SQL of [`crate::SettingsStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::SettingsStore for Backend {}
