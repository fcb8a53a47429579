//! What a form use case answers when some fields are wrong: a catalogue message per field.

use sgo_core::message::Message;
use sgo_store::StoreError;

use crate::AppError;

/// Why a form was not saved: messages to show next to the fields, or a refusal or failure.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// Some fields are wrong; nothing was saved and the form is shown again.
    #[error("{}", sgo_core::msg!("form-has-errors"))]
    Invalid(FieldErrors),
    /// Refused or failed as a whole (forbidden, not found, storage).
    #[error(transparent)]
    Refused(#[from] AppError),
}

impl From<StoreError> for FormError {
    fn from(e: StoreError) -> Self {
        FormError::Refused(e.into())
    }
}

/// The answer of a form use case.
pub type FormResult<T> = Result<T, FormError>;

/// Messages for the fields of a refused form, by field name, in the order found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub Vec<(String, Message)>);

impl FieldErrors {
    /// Adds a message for a field; the first message found for a field is the one shown.
    pub fn add(&mut self, field: impl Into<String>, message: Message) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, message));
        }
    }

    /// The message for a field, if it has one (`Display` writes its Russian text).
    pub fn get(&self, field: &str) -> Option<&Message> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    /// `Ok` when no field is wrong, so that a use case goes on with `errors.checked()?`.
    pub fn checked(&self) -> Result<(), FormError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(FormError::Invalid(self.clone()))
        }
    }

    /// True when no field has a message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::FieldErrors;
    use sgo_core::msg;

    #[test]
    fn the_first_message_of_a_field_is_kept() {
        let mut e = FieldErrors::default();
        assert!(e.is_empty());
        e.add("login", msg!("people-login-taken"));
        e.add("login", msg!("people-login-has-spaces"));
        e.add("email", msg!("organization-email-invalid"));
        assert_eq!(e.get("login"), Some(&msg!("people-login-taken")));
        assert_eq!(
            e.get("email").map(ToString::to_string).as_deref(),
            Some("Адрес электронной почты должен быть вида name@example.ru")
        );
        assert_eq!(e.get("phone"), None);
        assert_eq!(e.0.len(), 2);
    }
}
