//! What the mail tests share: directory keys as NetSchool clients see them, a world that sends
//! e-mail to the test SMTP server, and the text of what is printed (letters, credential sheets).

use std::process::Command;

use sgo_app::{SmtpSettings, SmtpTls};
use sgo_store::PersonalSettingsUpdate;

use crate::{Engine, World, world_with};

/// A directory id as NetSchool clients see it: base64 of the account number, encoded here apart
/// from the server's own encoder so that the tests check it.
pub fn directory_key(id: i64) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(id.to_string())
}

/// A one-school world that sends e-mail through the SMTP server on 127.0.0.1:`port` (no TLS, no
/// login) and writes links to `https://sgo.example.ru`.
pub async fn world_with_smtp(engine: Engine, port: u16) -> World {
    world_with(engine, 1, |s| {
        s.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: String::new(),
            password: String::new(),
            from: "Сетевой город <noreply@sgo.example.ru>".into(),
        });
        s.public_url = "https://sgo.example.ru".into();
    })
    .await
}

/// Sets an account's e-mail address in its personal settings and, when given, the channel its
/// mail goes by (`email`, `paper`).
pub async fn set_email(w: &World, account: i64, email: &str, channel: Option<&str>) {
    let s = w.store().personal_settings(account).await.unwrap().unwrap();
    let update = PersonalSettingsUpdate {
        display_name: s.display_name,
        email: email.into(),
        phone: s.phone,
        preferred_channel: channel.map_or(s.preferred_channel, str::to_owned),
        signature_cert_url: s.signature_cert_url,
    };
    w.store()
        .update_personal_settings(account, &update)
        .await
        .unwrap();
}

/// The text of a PDF as `pdftotext` (poppler-utils) reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = crate::tempdir::Dir::new();
    std::fs::create_dir_all(&dir.path).unwrap();
    let file = dir.path.join("printed.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}
