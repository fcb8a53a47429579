//! Rules for files people attach (homework, announcements, mail): safe names, content types,
//! the download header, and the upload limits a region configures.

use chrono::{DateTime, Duration, Utc};

use crate::message::Message;

/// Longest file name kept, in characters (names are shown and sent back in headers).
const MAX_NAME_CHARS: usize = 120;

/// The name to keep for an uploaded file: only its last path component, without control
/// characters, characters Windows forbids, or leading dots; never empty.
pub fn safe_file_name(uploaded: &str) -> String {
    let last = uploaded.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let name: String = if trimmed.chars().count() > MAX_NAME_CHARS {
        // Keep the extension: it decides how the file opens.
        match trimmed.rsplit_once('.') {
            Some((stem, ext)) if ext.chars().count() <= 10 => {
                let keep = MAX_NAME_CHARS - ext.chars().count() - 1;
                format!("{}.{ext}", stem.chars().take(keep).collect::<String>())
            }
            _ => trimmed.chars().take(MAX_NAME_CHARS).collect(),
        }
    } else {
        trimmed.to_owned()
    };
    if name.is_empty() {
        "файл".into()
    } else {
        name
    }
}

/// The extension of a file name, lower-case, without the dot (`""` when there is none).
pub fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_lowercase(),
        _ => String::new(),
    }
}

/// The Content-Type to serve a file with, from its extension; unknown kinds are served as
/// opaque bytes so that a browser never renders them as a page.
pub fn content_type(name: &str) -> &'static str {
    match extension(name).as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "rtf" => "application/rtf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "zip" => "application/zip",
        "7z" => "application/x-7z-compressed",
        "rar" => "application/vnd.rar",
        _ => "application/octet-stream",
    }
}

/// The Content-Disposition of a download: an ASCII fallback name and the exact UTF-8 name
/// (RFC 6266 / RFC 8187), so Cyrillic names survive in every browser.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// What a region allows to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Extensions allowed (lower-case, without the dot); empty allows any.
    pub allowed_extensions: Vec<String>,
}

impl UploadLimits {
    /// Whether a file may be uploaded; the refusal is a sentence for the person uploading.
    pub fn check(&self, name: &str, size: u64) -> Result<(), Message> {
        if size == 0 {
            return Err(crate::msg!("file-empty"));
        }
        if size > self.max_bytes {
            return Err(self.too_large());
        }
        let ext = extension(name);
        if !self.allowed_extensions.is_empty() && !self.allowed_extensions.contains(&ext) {
            return Err(crate::msg!(
                "file-type-refused",
                allowed = self.allowed_extensions.join(", ")
            ));
        }
        Ok(())
    }

    /// The refusal of a file over the size limit (also said while the file is still arriving).
    pub fn too_large(&self) -> Message {
        crate::msg!(
            "file-too-large",
            megabytes = self.max_bytes.div_ceil(1024 * 1024)
        )
    }
}

/// How long an upload waits to be attached, and how many waiting bytes one account may have:
/// files uploaded for a message or a form that was never sent must not pile up without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingUploadRules {
    /// Hours after which an upload not attached to anything expires (and is swept).
    pub lifetime_hours: u32,
    /// Bytes of unexpired pending uploads one account may keep.
    pub quota_bytes: u64,
}

impl Default for PendingUploadRules {
    fn default() -> Self {
        PendingUploadRules {
            lifetime_hours: 24,
            quota_bytes: 100 * 1024 * 1024,
        }
    }
}

impl PendingUploadRules {
    /// Pending uploads made before this moment have expired.
    pub fn expired_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::hours(i64::from(self.lifetime_hours))
    }

    /// Whether an account holding `pending` bytes of unexpired uploads may add `adding` more;
    /// the refusal is a sentence for the person uploading.
    pub fn check_quota(&self, pending: u64, adding: u64) -> Result<(), Message> {
        if pending.saturating_add(adding) <= self.quota_bytes {
            return Ok(());
        }
        Err(self.over_quota())
    }

    /// The refusal of an upload over the quota.
    pub fn over_quota(&self) -> Message {
        crate::msg!(
            "file-pending-quota",
            megabytes = self.quota_bytes.div_ceil(1024 * 1024),
            hours = self.lifetime_hours
        )
    }
}

/// What an uploaded file belongs to; who may download it follows from that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileOwner {
    /// Uploaded and not attached yet: only the uploader sees it.
    Pending,
    /// A lesson assignment (homework).
    Assignment(i64),
    /// An announcement.
    Announcement(i64),
    /// An educational resource.
    Resource(i64),
    /// A mail message.
    Message(i64),
}

impl FileOwner {
    /// The kind as stored.
    pub fn kind(self) -> &'static str {
        match self {
            FileOwner::Pending => "pending",
            FileOwner::Assignment(_) => "assignment",
            FileOwner::Announcement(_) => "announcement",
            FileOwner::Resource(_) => "resource",
            FileOwner::Message(_) => "message",
        }
    }

    /// The owner's id (none while pending).
    pub fn id(self) -> Option<i64> {
        match self {
            FileOwner::Pending => None,
            FileOwner::Assignment(id)
            | FileOwner::Announcement(id)
            | FileOwner::Resource(id)
            | FileOwner::Message(id) => Some(id),
        }
    }

    /// Reads a stored kind and id back; `None` for anything this program does not know.
    pub fn parse(kind: &str, id: Option<i64>) -> Option<FileOwner> {
        match (kind, id) {
            ("pending", _) => Some(FileOwner::Pending),
            ("assignment", Some(id)) => Some(FileOwner::Assignment(id)),
            ("announcement", Some(id)) => Some(FileOwner::Announcement(id)),
            ("resource", Some(id)) => Some(FileOwner::Resource(id)),
            ("message", Some(id)) => Some(FileOwner::Message(id)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_round_trip() {
        for o in [
            FileOwner::Pending,
            FileOwner::Assignment(3),
            FileOwner::Announcement(4),
            FileOwner::Resource(5),
            FileOwner::Message(6),
        ] {
            assert_eq!(FileOwner::parse(o.kind(), o.id()), Some(o));
        }
        assert_eq!(FileOwner::parse("message", None), None);
        assert_eq!(FileOwner::parse("other", Some(1)), None);
    }

    #[test]
    fn names_lose_paths_and_forbidden_characters() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\Ира\\Домашка.docx"),
            "Домашка.docx"
        );
        assert_eq!(safe_file_name("..hidden"), "hidden");
        assert_eq!(safe_file_name("a<b>:c\"d|e?f*.txt"), "a_b__c_d_e_f_.txt");
        assert_eq!(safe_file_name("line\nbreak.pdf"), "line_break.pdf");
        assert_eq!(safe_file_name("/"), "файл");
        assert_eq!(safe_file_name(" .. "), "файл");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "я".repeat(300));
        let safe = safe_file_name(&long);
        assert_eq!(safe.chars().count(), MAX_NAME_CHARS);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("Задание.PDF"), "application/pdf");
        assert_eq!(content_type("page.html"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(extension(".bashrc"), "");
    }

    #[test]
    fn downloads_carry_both_names() {
        assert_eq!(
            content_disposition("Домашка 5\"А\".pdf"),
            "attachment; filename=\"_______ 5___.pdf\"; \
             filename*=UTF-8''%D0%94%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0%205%22%D0%90%22.pdf"
        );
    }

    #[test]
    fn pending_uploads_expire_and_have_a_quota() {
        let rules = PendingUploadRules {
            lifetime_hours: 24,
            quota_bytes: 3 * 1024 * 1024,
        };
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(rules.expired_before(now), now - Duration::hours(24));
        assert!(rules.check_quota(0, 3 * 1024 * 1024).is_ok());
        assert!(rules.check_quota(2 * 1024 * 1024, 1024 * 1024).is_ok());
        let refused = rules
            .check_quota(2 * 1024 * 1024, 1024 * 1024 + 1)
            .unwrap_err();
        assert!(refused.contains("не больше 3 МБ"), "{refused}");
        assert!(refused.contains("через 24 ч"), "{refused}");
        assert!(rules.check_quota(u64::MAX, u64::MAX).is_err());
        assert_eq!(PendingUploadRules::default().lifetime_hours, 24);
        assert_eq!(PendingUploadRules::default().quota_bytes, 100 << 20);
    }

    #[test]
    fn limits_refuse_size_and_type() {
        let limits = UploadLimits {
            max_bytes: 2 * 1024 * 1024,
            allowed_extensions: vec!["pdf".into(), "docx".into()],
        };
        assert!(limits.check("a.pdf", 10).is_ok());
        assert!(limits.check("a.PDF", 10).is_ok());
        assert_eq!(limits.check("a.pdf", 0).unwrap_err(), "Файл пустой");
        assert!(
            limits
                .check("a.pdf", 3 * 1024 * 1024)
                .unwrap_err()
                .contains("2 МБ")
        );
        assert!(limits.check("a.exe", 10).unwrap_err().contains("pdf, docx"));
        let any = UploadLimits {
            max_bytes: 10,
            allowed_extensions: vec![],
        };
        assert!(any.check("x.bin", 10).is_ok());
    }
}
