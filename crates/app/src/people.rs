//! People of a school: persons, accounts and roles, parent links, class membership.
