//! The fields of a submitted form as the browser sent them, and the serde reading of them into a
//! typed form: a single field takes its first value, a list takes every value, in order.

use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

/// Every name with every value, in order, so that multi-selects and repeated checkboxes keep all
/// their values and grids whose field names carry data (`mark_12_34`) can be walked.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses a URL-encoded body; `None` when it is not one.
    pub fn parse(body: &[u8]) -> Option<Fields> {
        serde_urlencoded::from_bytes(body).ok().map(Fields)
    }

    /// A form from pairs already read (a multipart body's text fields).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The first value of a field, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every (name, value) pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every value of a field that is a number (ids of ticked rows).
    pub fn ids<T: std::str::FromStr>(&self, name: &str) -> Vec<T> {
        self.values(name)
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Reads the fields into a typed form. Names the form does not know are ignored (the `csrf`
    /// token among them); a form struct marks its fields `#[serde(default)]`, since a browser
    /// leaves out unticked boxes and empty selects.
    pub fn read<T: de::DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(FormReader(self))
    }
}

/// The values of a list field that are numbers (ids of ticked rows); others are passed over, as
/// a browser sends only what the page offered.
pub(crate) fn ids<T: std::str::FromStr>(values: &[String]) -> Vec<T> {
    values
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

/// Lets `Fields` itself be the typed form of a page whose field names carry data.
impl<'de> de::Deserialize<'de> for Fields {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("form fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut pairs = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    for value in map.next_value::<Vec<String>>()? {
                        pairs.push((name.clone(), value));
                    }
                }
                Ok(Fields(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// The form as a map from each name (in the order first seen) to its values.
struct FormReader<'a>(&'a Fields);

impl<'de> de::Deserializer<'de> for FormReader<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut names: Vec<&str> = Vec::new();
        for (k, _) in &self.0.0 {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
        visitor.visit_map(Names {
            fields: self.0,
            names: names.into_iter(),
            current: None,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

struct Names<'a> {
    fields: &'a Fields,
    names: std::vec::IntoIter<&'a str>,
    current: Option<&'a str>,
}

impl<'de> MapAccess<'de> for Names<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(name) = self.names.next() else {
            return Ok(None);
        };
        self.current = Some(name);
        let key: StrDeserializer<'_, Error> = name.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let name = self.current.take().unwrap_or_default();
        seed.deserialize(Values(self.fields.values(name).collect()))
    }
}

/// Every value of one name: a list reads them all, anything else the first.
struct Values<'a>(Vec<&'a str>);

impl Values<'_> {
    fn first(&self) -> Value<'_> {
        Value(self.0.first().copied().unwrap_or(""))
    }
}

macro_rules! first_value {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                self.first().$method(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Values<'_> {
    type Error = Error;

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(Each(self.0.into_iter()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.first().deserialize_option(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.first().deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    first_value! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_identifier
    }

    forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct tuple tuple_struct map struct ignored_any
    }
}

struct Each<'a>(std::vec::IntoIter<&'a str>);

impl<'de> SeqAccess<'de> for Each<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Value(v)))
            .transpose()
    }
}

/// One value as typed: text, a number, a checkbox or a choice of an enum.
struct Value<'a>(&'a str);

macro_rules! number {
    ($($method:ident $visit:ident $ty:ty)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.0.trim().parse::<$ty>() {
                    Ok(n) => visitor.$visit(n),
                    Err(_) => Err(de::Error::custom(format!("не число: «{}»", self.0))),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    /// A checkbox: ticked is whatever its `value` says unless that is a spelled-out "no".
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let off = matches!(self.0.trim(), "" | "0" | "false" | "off" | "no");
        visitor.visit_bool(!off)
    }

    /// An empty value is no value: an empty select or number input.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.trim().is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let choice: StrDeserializer<'_, Error> = self.0.into_deserializer();
        visitor.visit_enum(choice)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    number! {
        deserialize_i8 visit_i8 i8 deserialize_i16 visit_i16 i16 deserialize_i32 visit_i32 i32
        deserialize_i64 visit_i64 i64 deserialize_u8 visit_u8 u8 deserialize_u16 visit_u16 u16
        deserialize_u32 visit_u32 u32 deserialize_u64 visit_u64 u64 deserialize_f32 visit_f32 f32
        deserialize_f64 visit_f64 f64
    }

    forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map
        struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::Fields;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Lesson {
        topic: String,
        room: Option<String>,
        bell: Option<i64>,
        teachers: Vec<i64>,
        roles: Vec<String>,
        mandatory: bool,
    }

    fn read(body: &str) -> Result<Lesson, String> {
        Fields::parse(body.as_bytes())
            .ok_or("not a form")?
            .read::<Lesson>()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_single_field_takes_its_first_value_and_a_list_every_value() {
        let l =
            read("csrf=x&topic=A&topic=B&teachers=3&roles=a&teachers=5&roles=b&bell=2").unwrap();
        assert_eq!(l.topic, "A");
        assert_eq!(l.teachers, vec![3, 5]);
        assert_eq!(l.roles, vec!["a", "b"]);
        assert_eq!(l.bell, Some(2));
    }

    #[test]
    fn missing_and_empty_fields_are_defaults() {
        assert_eq!(read("").unwrap(), Lesson::default());
        assert_eq!(read("csrf=x").unwrap(), Lesson::default());
        let l = read("room=&bell=&mandatory=").unwrap();
        assert_eq!((l.room, l.bell, l.mandatory), (None, None, false));
    }

    #[test]
    fn a_ticked_box_is_true() {
        assert!(read("mandatory=on").unwrap().mandatory);
        assert!(read("mandatory=1").unwrap().mandatory);
        assert!(!read("mandatory=0").unwrap().mandatory);
    }

    #[test]
    fn a_word_where_a_number_belongs_is_refused() {
        let e = read("bell=second").unwrap_err();
        assert!(e.contains("не число"), "{e}");
        assert!(read("teachers=1&teachers=x").is_err());
    }

    #[test]
    fn fields_read_into_fields_keep_every_value() {
        let f = Fields::parse(b"a=1&b=2&a=3").unwrap();
        let again: Fields = f.read().unwrap();
        let a: Vec<_> = again.pairs().filter(|(k, _)| *k == "a").collect();
        assert_eq!(a, vec![("a", "1"), ("a", "3")]);
        assert_eq!(again.get("b"), "2");
        assert_eq!(again.ids::<i64>("a"), vec![1, 3]);
    }
}
