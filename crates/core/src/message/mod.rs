//! Messages people read (errors, refusals, field errors): an id from the catalogue plus named
//! arguments, rendered in a language only at the edge. The texts live in Fluent files under
//! `crates/core/messages/` (`ru.ftl` today), so another language is one more file.
//!
//! A [`Message`] is made only with [`msg!`](crate::msg) from an id written in the source, never
//! from free text: `msg!("class-letter-invalid")`, `msg!("field-too-long", max = 200)`.

mod catalogue;

use std::borrow::Cow;
use std::fmt;

pub use catalogue::{Language, ids, render, try_render};

/// The id of a catalogue message: kebab-case ASCII (`class-letter-invalid`), checked when the
/// program is compiled, so a Russian sentence cannot pass for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId(&'static str);

impl MessageId {
    /// The id, checked to be lower-case ASCII words joined by `-`; used through `msg!` in a
    /// constant, so a bad id fails the build.
    pub const fn checked(id: &'static str) -> MessageId {
        assert!(is_message_id(id), "a message id is kebab-case ASCII");
        MessageId(id)
    }

    /// The id as written in the catalogue.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

/// Whether `id` has the shape of a catalogue id: `[a-z][a-z0-9]*(-[a-z0-9]+)*`.
pub const fn is_message_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() || b[b.len() - 1] == b'-' {
        return false;
    }
    let mut i = 1;
    while i < b.len() {
        let c = b[i];
        let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || (c == b'-' && b[i - 1] != b'-');
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// A value given to a message: text (a name, a date already written), a whole number (which
/// the catalogue may use to choose a plural form), or other messages, rendered in the same
/// language as the one that holds them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// A whole number.
    Number(i64),
    /// Text, shown as it is.
    Text(String),
    /// A message of its own («через 2 минуты» inside a lockout).
    Message(Box<Message>),
    /// Messages shown one after another, separated by commas.
    List(Vec<Message>),
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<Cow<'_, str>> for Arg {
    fn from(s: Cow<'_, str>) -> Arg {
        Arg::Text(s.into_owned())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(Box::new(m))
    }
}

impl From<Vec<Message>> for Arg {
    fn from(list: Vec<Message>) -> Arg {
        Arg::List(list)
    }
}

impl From<char> for Arg {
    fn from(c: char) -> Arg {
        Arg::Text(c.to_string())
    }
}

/// A message for a person: a catalogue id and its named arguments. Cheap to make (no
/// allocation without arguments); its text is chosen by [`render`] in the reader's language.
/// `Display` writes the default language's text, for logs and for pages that have no other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    id: MessageId,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A message with no arguments; `msg!` calls it.
    #[doc(hidden)]
    pub const fn __new(id: MessageId) -> Message {
        Message {
            id,
            args: Vec::new(),
        }
    }

    /// A message with arguments; `msg!` calls it.
    #[doc(hidden)]
    pub fn __with(id: MessageId, args: Vec<(&'static str, Arg)>) -> Message {
        Message { id, args }
    }

    /// The catalogue id.
    pub fn id(&self) -> &'static str {
        self.id.as_str()
    }

    /// The named arguments, in the order given.
    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The text in the default language (Russian).
    pub fn text(&self) -> String {
        render(self, Language::default())
    }

    /// Whether the default language's text contains `part`.
    pub fn contains(&self, part: &str) -> bool {
        self.text().contains(part)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

/// Stored as `{"id": …, "args": {…}}` (a failed report job keeps its reason this way), so that
/// it is rendered in the reader's language when read back.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let args: std::collections::BTreeMap<&str, &Arg> =
            self.args.iter().map(|(k, v)| (*k, v)).collect();
        let mut st = s.serialize_struct("Message", 2)?;
        st.serialize_field("id", self.id.as_str())?;
        st.serialize_field("args", &args)?;
        st.end()
    }
}

/// Read back only for ids and argument names the catalogue knows: stored text cannot become a
/// message of its own.
impl<'de> serde::Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        use serde::de::Error;
        #[derive(serde::Deserialize)]
        struct Stored {
            id: String,
            #[serde(default)]
            args: std::collections::BTreeMap<String, Arg>,
        }
        let stored = Stored::deserialize(d)?;
        let (id, names) = catalogue::known(&stored.id)
            .ok_or_else(|| D::Error::custom(format!("unknown message id {}", stored.id)))?;
        let mut args = Vec::with_capacity(stored.args.len());
        for (name, value) in stored.args {
            let name = names
                .iter()
                .find(|n| **n == name)
                .ok_or_else(|| D::Error::custom(format!("unknown argument {name} of {id}")))?;
            args.push((*name, value));
        }
        Ok(Message {
            id: MessageId(id),
            args,
        })
    }
}

/// Makes a [`Message`](crate::message::Message) from a catalogue id and named arguments:
/// `msg!("class-letter-invalid")`, `msg!("field-too-long", max = 200)`. The id is checked to be
/// kebab-case when compiling; the catalogue test checks that `ru.ftl` has it. Without arguments
/// the result is a constant expression.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {{
        const ID: $crate::message::MessageId = $crate::message::MessageId::checked($id);
        $crate::message::Message::__new(ID)
    }};
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        const ID: $crate::message::MessageId = $crate::message::MessageId::checked($id);
        $crate::message::Message::__with(
            ID,
            vec![$((stringify!($name), $crate::message::Arg::from($value))),+],
        )
    }};
}

#[cfg(test)]
mod tests;
