//! Personal settings: the fields a person may change themself, and their password.
