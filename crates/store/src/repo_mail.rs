// Internal mail: messages, each person's folders and read state, and delivery by e-mail or on paper.: the SQL of [`crate::MailStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::MailStore for Backend {}
