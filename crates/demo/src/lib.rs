//! The demo region generator: «Заречный край» with its authorities and schools, people,
//! timetables, lessons, homework, marks and attendance, deterministic from a seed.
//!
//! Rows are written school by school with explicit ids, so a region of hundreds of schools
//! never has to fit in memory. Only password hashes and sealed verifiers are random.

mod csv;
mod curriculum;
mod journal;
mod names;
mod region;
mod rng;
mod rows;
mod school;
mod year;

use chrono::NaiveDate;
use sgo_auth::ServerKey;
use sgo_auth::password::{PasswordCost, hash_password};
use sgo_core::Role;
use sgo_store::Store;

use rng::Rng;
use rows::{Batch, Ids};
use school::{School, SchoolInput};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How many schools.
    pub schools: u32,
    /// Students in every class.
    pub students_per_class: u32,
    /// Everything except password hashes follows from this.
    pub seed: u64,
    /// The day the demo is "now": the year, past lessons and marks are laid out around it.
    pub today: NaiveDate,
}

/// An account that was given a password, for the credential sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Its role (administrator, teacher, student or parent).
    pub role: Role,
    /// The organization it belongs to.
    pub organization_id: i64,
    /// That organization's short name.
    pub organization_short_name: String,
    /// The login.
    pub login: String,
    /// The password, in clear.
    pub password: String,
    /// The name shown on screen.
    pub display_name: String,
    /// For a parent, the names of their children in this school (tests find a family by it).
    pub children: Vec<String>,
}

/// How far generation has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoProgress {
    /// The region is about to be generated with this many schools.
    Started {
        /// Schools to generate.
        schools: u32,
    },
    /// Another school was written.
    SchoolDone {
        /// Schools written so far.
        done: u32,
    },
    /// All schools are written; indexes and statistics are being brought up to date.
    Finishing,
}

/// Why the demo region could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The database already holds a region.
    #[error(
        "в базе данных уже есть данные: демонстрационный регион создаётся только в пустой базе"
    )]
    NotEmpty,
    /// The options make no sense.
    #[error("неверные параметры демонстрационного региона: {0}")]
    InvalidOptions(String),
    /// Writing failed.
    #[error(transparent)]
    Store(#[from] sgo_store::StoreError),
    /// Hashing a password failed.
    #[error(transparent)]
    Auth(#[from] sgo_auth::AuthError),
}

/// Generates the demo region into an empty store and returns the accounts that got passwords,
/// in credential-sheet order.
pub async fn generate(
    store: &dyn Store,
    key: &ServerKey,
    options: &DemoOptions,
    progress: &(dyn Fn(DemoProgress) + Send + Sync),
) -> Result<Vec<DemoAccount>, DemoError> {
    if options.schools == 0 {
        return Err(DemoError::InvalidOptions(
            "нужна хотя бы одна школа".to_owned(),
        ));
    }
    if !store.is_empty().await? {
        return Err(DemoError::NotEmpty);
    }
    progress(DemoProgress::Started {
        schools: options.schools,
    });

    let year = year::Year::containing(options.today);
    let mut ids = Ids::new();
    let mut batch = Batch::default();
    let mut rng = Rng::stream(options.seed, u64::MAX, "region");
    let founded = NaiveDate::from_ymd_opt(1991, 12, 20);
    let (places, authority, municipal) = region::build(
        &mut batch,
        &mut ids,
        &mut rng,
        options.schools,
        founded.unwrap_or(year.start),
    );
    batch.flush(store).await?;

    let mut accounts = Vec::new();
    for (index, place) in (0..options.schools).zip(&places) {
        let input = SchoolInput {
            index,
            place,
            year: &year,
            today: options.today,
            students_per_class: options.students_per_class,
            seed: options.seed,
        };
        let mut school = school::build(&input, &mut ids);
        let sheet = issue_passwords(&mut school, &input);
        let secrets = seal(&school, key)?;
        let journal = journal::build(&school, &input);
        school::push_frame(&school, &input, &mut ids, &mut batch);
        school::push_people(&school, &secrets, &mut batch);
        journal::push(&journal, &school, options.today, &mut ids, &mut batch);
        drop(journal);
        batch.flush(store).await?;
        accounts.extend(sheet);
        tracing::debug!(school = index + 1, "demo school written");
        progress(DemoProgress::SchoolDone { done: index + 1 });
    }

    // Last, so that the ids of every school's people do not depend on them.
    let region_admin = AuthorityAccount {
        authority: &authority,
        role: Role::RegionAdministrator,
        login: REGION_ADMIN_LOGIN.to_owned(),
        name: ("Администратор", "региона"),
        stream: u64::MAX - 1,
    };
    accounts.push(region_admin.push(&year, options, key, &mut ids, &mut batch)?);
    for (i, uo) in municipal.iter().enumerate() {
        let officer = AuthorityAccount {
            authority: uo,
            role: Role::AuthorityOfficer,
            login: format!("{AUTHORITY_OFFICER_LOGIN}{}", i + 1),
            name: ("Специалист", "управления образования"),
            stream: u64::MAX - 2 - i as u64,
        };
        accounts.push(officer.push(&year, options, key, &mut ids, &mut batch)?);
    }
    batch.flush(store).await?;

    progress(DemoProgress::Finishing);
    store.finish_bulk_load().await?;
    Ok(accounts)
}

/// Writes the credential sheet: header `role,organization_id,organization_short_name,login,password,display_name`.
pub fn write_accounts_csv(path: &std::path::Path, accounts: &[DemoAccount]) -> std::io::Result<()> {
    csv::write(path, accounts)
}

/// Characters of demo passwords: no 0/O, 1/l/I, which people misread from paper.
const PASSWORD_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/// An 8-character password with at least one capital, one small letter and one digit.
fn password(rng: &mut Rng) -> String {
    loop {
        let pw: String = (0..8)
            .map(|_| char::from(*rng.pick(PASSWORD_ALPHABET)))
            .collect();
        let has = |f: fn(&char) -> bool| pw.chars().any(|c| f(&c));
        if has(char::is_ascii_uppercase)
            && has(char::is_ascii_lowercase)
            && has(char::is_ascii_digit)
        {
            return pw;
        }
    }
}

/// Gives passwords to the director, every teacher, the first two students of each class and
/// their parents; returns them in credential-sheet order. Parents of two children come first
/// among the parents, so the sheet's first parent can show switching between children.
fn issue_passwords(school: &mut School, input: &SchoolInput<'_>) -> Vec<DemoAccount> {
    let mut rng = Rng::stream(input.seed, u64::from(input.index), "passwords");
    let mut order: Vec<(Role, usize, Vec<String>)> =
        vec![(Role::Administrator, school.admin, Vec::new())];
    order.extend(
        school
            .teachers
            .iter()
            .map(|t| (Role::Teacher, t.acc, Vec::new())),
    );
    order.extend(
        school
            .students
            .iter()
            .filter(|s| s.password)
            .map(|s| (Role::Student, s.acc, Vec::new())),
    );
    let mut families: Vec<usize> = (0..school.families.len())
        .filter(|&f| {
            school.families[f]
                .children
                .iter()
                .any(|&s| school.students[s as usize].password)
        })
        .collect();
    families.sort_by_key(|&f| std::cmp::Reverse(school.families[f].children.len().min(2)));
    for f in families {
        let children: Vec<String> = school.families[f]
            .children
            .iter()
            .map(|&c| {
                school.accounts[school.students[c as usize].acc]
                    .display
                    .clone()
            })
            .collect();
        order.extend(
            school.families[f]
                .parents
                .iter()
                .map(|&p| (Role::Parent, p, children.clone())),
        );
    }
    order
        .into_iter()
        .map(|(role, acc, children)| {
            let pw = password(&mut rng);
            let account = &mut school.accounts[acc];
            account.password = Some(pw.clone());
            DemoAccount {
                role,
                organization_id: school.org_id,
                organization_short_name: school.short_name.clone(),
                login: account.login.clone(),
                password: pw,
                display_name: account.display.clone(),
                children,
            }
        })
        .collect()
}

/// Login of the demo region administrator.
pub const REGION_ADMIN_LOGIN: &str = "regionadmin";

/// Login prefix of the demo municipal authority officers: `uo1`, `uo2`, …
pub const AUTHORITY_OFFICER_LOGIN: &str = "uo";

/// An account of an education authority's staff: the region administrator or a municipal
/// authority's officer.
struct AuthorityAccount<'a> {
    authority: &'a region::Authority,
    role: Role,
    login: String,
    /// Last and first name.
    name: (&'static str, &'static str),
    /// The random stream of the password, distinct per account.
    stream: u64,
}

impl AuthorityAccount<'_> {
    /// Writes the person, the account and its role; the account with its password.
    fn push(
        &self,
        year: &year::Year,
        options: &DemoOptions,
        key: &ServerKey,
        ids: &mut Ids,
        batch: &mut Batch,
    ) -> Result<DemoAccount, DemoError> {
        use rows::{ACCOUNT_ROLES, ACCOUNTS, PERSONS};
        use sgo_store::Value;
        let mut rng = Rng::stream(options.seed, self.stream, &self.login);
        let pw = password(&mut rng);
        let hash = hash_password(&pw, PasswordCost::DEMO)?;
        let verifier = sgo_auth::legacy::seal_verifier(key, &pw);
        let (last, first) = self.name;
        let display = format!("{last} {first}");
        let created = school::at(year.start - chrono::Duration::days(14), 6);
        let person = ids.next(&PERSONS);
        let account = ids.next(&ACCOUNTS);
        batch.push(
            &PERSONS,
            vec![
                person.into(),
                last.into(),
                first.into(),
                "".into(),
                Value::Date(None),
                Value::Text(None),
                created.into(),
            ],
        );
        batch.push(
            &ACCOUNTS,
            vec![
                account.into(),
                person.into(),
                self.authority.id.into(),
                self.login.clone().into(),
                sgo_core::text::normalise(&self.login).into(),
                display.clone().into(),
                Some(hash).into(),
                Value::Bytes(verifier),
                Value::Bool(false),
                Value::Bool(true),
                "".into(),
                "".into(),
                "system".into(),
                created.into(),
            ],
        );
        batch.push(
            &ACCOUNT_ROLES,
            vec![account.into(), self.role.code().into()],
        );
        Ok(DemoAccount {
            role: self.role,
            organization_id: self.authority.id,
            organization_short_name: self.authority.short_name.clone(),
            login: self.login.clone(),
            password: pw,
            display_name: display,
            children: Vec::new(),
        })
    }
}

/// Hashes and seals every issued password.
fn seal(school: &School, key: &ServerKey) -> Result<school::Secrets, DemoError> {
    let mut secrets = school::Secrets::new();
    for (i, acc) in school.accounts.iter().enumerate() {
        if let Some(pw) = &acc.password {
            let hash = hash_password(pw, PasswordCost::DEMO)?;
            secrets.insert(i, (hash, sgo_auth::legacy::seal_verifier(key, pw)));
        }
    }
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_readable_and_repeatable() {
        let mut a = Rng::stream(1, 0, "passwords");
        let mut b = Rng::stream(1, 0, "passwords");
        for _ in 0..100 {
            let pw = password(&mut a);
            assert_eq!(pw, password(&mut b));
            assert_eq!(pw.len(), 8);
            assert!(pw.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)));
            assert!(!pw.contains(['0', 'O', '1', 'l', 'I']));
        }
    }
}
