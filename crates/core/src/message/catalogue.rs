//! The Fluent catalogues, compiled into the binary and loaded once, shared by every thread.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::{Arg, Message};

/// The languages the interface speaks; Russian is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Русский.
    #[default]
    Russian,
}

impl Language {
    /// Every language, the default first.
    pub const ALL: [Language; 1] = [Language::Russian];

    /// The BCP 47 tag (`ru`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::Russian => "ru",
        }
    }

    /// The catalogue's Fluent source.
    pub(super) fn source(self) -> &'static str {
        match self {
            Language::Russian => include_str!("../../messages/ru.ftl"),
        }
    }
}

struct Catalogue {
    bundle: FluentBundle<&'static FluentResource>,
}

/// The parsed catalogues, kept for the life of the program so that ids and argument names
/// borrowed from them are `'static`.
static RESOURCES: LazyLock<Vec<FluentResource>> = LazyLock::new(|| {
    Language::ALL
        .iter()
        .map(|l| match FluentResource::try_new(l.source().to_owned()) {
            Ok(r) => r,
            // A syntax error leaves the rest of the file usable; the catalogue test fails on it.
            Err((r, _)) => r,
        })
        .collect()
});

static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    Language::ALL
        .iter()
        .zip(RESOURCES.iter())
        .map(|(language, resource)| {
            let tag = language.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            // Marks around arguments would end up in pages, JSON and the NetSchool answers.
            bundle.set_use_isolating(false);
            // A duplicate id keeps the first text; the catalogue test fails on it.
            let _ = bundle.add_resource(resource);
            Catalogue { bundle }
        })
        .collect()
});

/// Every id of the default catalogue with the argument names its text uses.
static KNOWN: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let resource: &'static FluentResource = &RESOURCES[0];
    resource
        .entries()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => {
                let mut names = Vec::new();
                if let Some(p) = &m.value {
                    pattern_variables(p, &mut names);
                }
                Some((m.id.name, names))
            }
            _ => None,
        })
        .collect()
});

/// The `'static` id and argument names of a catalogue message, if there is one with this id.
pub(super) fn known(id: &str) -> Option<(&'static str, &'static [&'static str])> {
    KNOWN
        .get_key_value(id)
        .map(|(id, names)| (*id, names.as_slice()))
}

/// The ids of the default catalogue with the argument names each uses.
pub fn ids() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    KNOWN.iter().map(|(id, names)| (*id, names.as_slice()))
}

fn pattern_variables(p: &'static ast::Pattern<&'static str>, out: &mut Vec<&'static str>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &'static ast::Expression<&'static str>, out: &mut Vec<&'static str>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_variables(i, out),
    }
}

fn inline_variables(i: &'static ast::InlineExpression<&'static str>, out: &mut Vec<&'static str>) {
    match i {
        ast::InlineExpression::VariableReference { id } if !out.contains(&id.name) => {
            out.push(id.name);
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

/// The text of `message` in `language`, with what Fluent reported while building it (a message
/// the catalogue lacks reads as its id, a missing argument as its name in braces).
fn format(message: &Message, language: Language) -> (String, Vec<String>) {
    let index = Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0);
    let bundle = &CATALOGUES[index].bundle;
    let Some(pattern) = bundle.get_message(message.id()).and_then(|m| m.value()) else {
        let missing = format!("no message {}", message.id());
        return (message.id().to_owned(), vec![missing]);
    };
    let args = (!message.args.is_empty()).then(|| {
        let mut args = FluentArgs::with_capacity(message.args.len());
        for (name, value) in &message.args {
            match value {
                Arg::Number(n) => args.set(*name, FluentValue::from(*n)),
                Arg::Text(t) => args.set(*name, FluentValue::from(t.as_str())),
                Arg::Message(m) => args.set(*name, FluentValue::from(render(m, language))),
                Arg::List(list) => {
                    let items: Vec<String> = list.iter().map(|m| render(m, language)).collect();
                    args.set(*name, FluentValue::from(items.join(", ")));
                }
            }
        }
        args
    });
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
    let errors = errors.iter().map(ToString::to_string).collect();
    (text.into_owned(), errors)
}

/// The text of `message` in `language`, or what Fluent reported while building it.
pub fn try_render(message: &Message, language: Language) -> Result<String, Vec<String>> {
    match format(message, language) {
        (text, errors) if errors.is_empty() => Ok(text),
        (_, errors) => Err(errors),
    }
}

/// The text of `message` in `language`. The catalogue test makes sure every message of the
/// source renders without a Fluent error.
pub fn render(message: &Message, language: Language) -> String {
    format(message, language).0
}
