//! Internal mail: messages, each person's folders and read state, and delivery by e-mail or on paper.

use async_trait::async_trait;

/// Internal mail: messages, each person's folders and read state, and delivery by e-mail or on paper. — storage operations.
#[async_trait]
pub trait MailStore: Send + Sync {}
