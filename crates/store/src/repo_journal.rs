// The class journal: teachers' lessons, marks with their history, attendance, topics, homework, assignment types, period and year marks.: the SQL of [`crate::JournalStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::JournalStore for Backend {}
