//! The credential sheet: demo accounts and their passwords as CSV.

use std::io::Write;
use std::path::Path;

use super::DemoAccount;

/// A CSV field, quoted when it holds a comma, a quote, a line break or edge spaces.
pub(crate) fn field(value: &str) -> String {
    let needs =
        value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ');
    if needs {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// The sheet as text.
pub(crate) fn render(accounts: &[DemoAccount]) -> String {
    let mut out = String::from(
        "role,organization_id,organization_short_name,login,password,display_name,children\n",
    );
    for a in accounts {
        let line = [
            field(a.role.code()),
            a.organization_id.to_string(),
            field(&a.organization_short_name),
            field(&a.login),
            field(&a.password),
            field(&a.display_name),
            field(&a.children.join("; ")),
        ]
        .join(",");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Writes the sheet to a file, replacing it.
pub(crate) fn write(path: &Path, accounts: &[DemoAccount]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(render(accounts).as_bytes())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sgo_core::Role;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("ИвановИ"), "ИвановИ");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field(" x"), "\" x\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn sheet_has_the_header_and_one_line_per_account() {
        let accounts = vec![DemoAccount {
            role: Role::Parent,
            organization_id: 7,
            organization_short_name: "МБОУ СОШ №1".into(),
            login: "ПетроваАС".into(),
            password: "a,b\"c".into(),
            display_name: "Петрова Анна Сергеевна".into(),
            children: vec!["Петров Иван".into(), "Петрова Ольга".into()],
        }];
        assert_eq!(
            render(&accounts),
            "role,organization_id,organization_short_name,login,password,display_name,children\n\
             parent,7,МБОУ СОШ №1,ПетроваАС,\"a,b\"\"c\",Петрова Анна Сергеевна,Петров Иван; Петрова Ольга\n"
        );
    }
}
