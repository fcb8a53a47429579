//! A real SMTP server process for the e-mail tests: aiosmtpd writing a Maildir, read back by
//! Python's `email` package so that encodings are decoded by someone other than us.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An SMTP server process (aiosmtpd) writing what it receives into a Maildir.
pub struct SmtpServer {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    maildir: crate::tempdir::Dir,
}

impl SmtpServer {
    /// Starts the server on a free port and waits until it accepts connections.
    pub fn start() -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = crate::tempdir::Dir::new();
        let child = Command::new("/usr/bin/python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir.path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (Debian python3-aiosmtpd) is needed for the mail tests");
        // Owned by the struct at once, so that a panic below still stops the process.
        let server = SmtpServer {
            child,
            port,
            maildir,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the SMTP server did not start on port {port}");
    }

    /// Every received message as (subject, text body, To header), decoded by Python's `email`.
    pub fn received(&self) -> Vec<(String, String, String)> {
        let script = r#"
import mailbox, sys, json, email.policy
out = []
for m in mailbox.Maildir(sys.argv[1], factory=None):
    msg = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
    out.append([str(msg["subject"]), msg.get_body(("plain",)).get_content(), str(msg["to"])])
print(json.dumps(out))
"#;
        let out = Command::new("/usr/bin/python3")
            .args(["-c", script])
            .arg(&self.maildir.path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Waits (up to 15 s) until `n` messages have arrived; the mail goes out after the answer.
    pub async fn wait_for(&self, n: usize) -> Vec<(String, String, String)> {
        for _ in 0..150 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} e-mails, got {:?}", self.received());
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
