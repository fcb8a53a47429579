//! ESIA's `client_secret`: a detached signature made by the operator's command or service.

use tokio::io::AsyncWriteExt;

use super::{CALL_TIMEOUT, OidcError};

/// Produces ESIA's `client_secret`: the detached signature of a message, as text.
#[derive(Clone, PartialEq, Eq)]
pub enum Signer {
    /// Runs a program (argv, no shell): the message on its standard input, the signature
    /// (base64url, as ESIA expects) on its standard output.
    Command(Vec<String>),
    /// POSTs the message (text/plain, UTF-8) to a signing service; the body of a 2xx answer is
    /// the signature.
    Http(String),
    /// A fixed client secret (standard OpenID Connect providers only).
    Fixed(String),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Signer::Command(argv) => f.debug_tuple("Command").field(argv).finish(),
            Signer::Http(url) => f.debug_tuple("Http").field(url).finish(),
            Signer::Fixed(_) => f.write_str("Fixed(<hidden>)"),
        }
    }
}

impl Signer {
    /// Signs `message`; the result is trimmed of surrounding whitespace.
    pub async fn sign(&self, http: &reqwest::Client, message: &str) -> Result<String, OidcError> {
        let out = match self {
            Signer::Fixed(secret) => secret.clone(),
            Signer::Command(argv) => run_signer(argv, message).await?,
            Signer::Http(url) => {
                let resp = http
                    .post(url)
                    .header("content-type", "text/plain; charset=utf-8")
                    .body(message.to_owned())
                    .timeout(CALL_TIMEOUT)
                    .send()
                    .await
                    .map_err(|e| OidcError::Signer(format!("сервис подписи недоступен: {e}")))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err(OidcError::Signer(format!(
                        "сервис подписи ответил {status}"
                    )));
                }
                resp.text()
                    .await
                    .map_err(|e| OidcError::Signer(format!("ответ сервиса подписи: {e}")))?
            }
        };
        let out = out.trim().to_owned();
        if out.is_empty() {
            return Err(OidcError::Signer("подпись пуста".into()));
        }
        Ok(out)
    }
}

async fn run_signer(argv: &[String], message: &str) -> Result<String, OidcError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| OidcError::Config("команда подписи не задана".into()))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| OidcError::Signer(format!("не удалось запустить {program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(message.as_bytes())
            .await
            .map_err(|e| OidcError::Signer(format!("запись в {program}: {e}")))?;
    }
    let output = tokio::time::timeout(CALL_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| OidcError::Signer(format!("{program} не ответил вовремя")))?
        .map_err(|e| OidcError::Signer(format!("{program}: {e}")))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let first = err.lines().next().unwrap_or_default().chars().take(200);
        return Err(OidcError::Signer(format!(
            "{program} завершилась с {}: {}",
            output.status,
            first.collect::<String>()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| OidcError::Signer(format!("{program} вывела не UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_command_signer_gets_the_message_on_stdin() {
        let http = reqwest::Client::new();
        let signer = Signer::Command(vec!["tr".into(), "a-z".into(), "A-Z".into()]);
        assert_eq!(signer.sign(&http, "scope").await.unwrap(), "SCOPE");
        let failing = Signer::Command(vec!["false".into()]);
        assert!(failing.sign(&http, "x").await.is_err());
        let missing = Signer::Command(vec!["/nonexistent/signer".into()]);
        assert!(missing.sign(&http, "x").await.is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = format!("{:?}", Signer::Fixed("top-secret".into()));
        assert!(!s.contains("top-secret"));
    }
}
