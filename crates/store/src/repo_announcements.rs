// Announcements to the school, to chosen roles or classes.: the SQL of [`crate::AnnouncementStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::AnnouncementStore for Backend {}
