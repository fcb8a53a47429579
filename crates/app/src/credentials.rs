//! Credential sheets: new one-time passwords printed for families, and the user list export.
