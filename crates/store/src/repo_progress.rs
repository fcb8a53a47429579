// What students and parents read beyond the week: marks by subject and period, period and year marks, the assignment card, bell times.: the SQL of [`crate::ProgressStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::ProgressStore for Backend {}
