//! Importing students with parents, and staff, from XLSX or CSV: validate, confirm, apply.
