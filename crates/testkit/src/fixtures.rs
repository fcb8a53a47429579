//! The territory and organizations that store tests stand on, written with `bulk_insert` as the
//! demo generator does, and the small school several store tests share.
//!
//! Most tests use [`Territory::standard`]: region 1 «Край» (code 99), municipality 2 «Округ»,
//! settlement 3 «Город»; the builder adds regions and organizations where a test needs more.

use chrono::{DateTime, TimeZone, Utc};
use sgo_store::{Store, Value};

/// Inserts rows into a table (a failed insert fails the test).
pub async fn rows(
    s: &dyn Store,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
) {
    s.bulk_insert(table, columns, rows)
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

/// An organization row.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Its id.
    pub id: i64,
    /// Its settlement.
    pub settlement_id: i64,
    /// Its kind code (`general`, `municipal_authority`, ...).
    pub kind: String,
    /// Its short name.
    pub short_name: String,
    /// Its full name.
    pub full_name: String,
    /// The normalised name the search reads.
    pub name_norm: String,
    /// The director, when the test needs the column.
    pub director: Option<String>,
}

impl Organization {
    /// A general school in settlement 3 with its short name as full name and the short name in
    /// lower case as the search name.
    pub fn school(id: i64, name: &str) -> Organization {
        Organization::new(id, "general", name, name, &name.to_lowercase())
    }

    /// An organization in settlement 3.
    pub fn new(id: i64, kind: &str, short: &str, full: &str, norm: &str) -> Organization {
        Organization {
            id,
            settlement_id: 3,
            kind: kind.into(),
            short_name: short.into(),
            full_name: full.into(),
            name_norm: norm.into(),
            director: None,
        }
    }

    /// The same organization in another settlement.
    pub fn in_settlement(mut self, settlement_id: i64) -> Organization {
        self.settlement_id = settlement_id;
        self
    }

    /// The same organization with a director.
    pub fn director(mut self, director: &str) -> Organization {
        self.director = Some(director.into());
        self
    }
}

/// Regions, municipalities, settlements and organizations to insert.
#[derive(Debug, Clone, Default)]
pub struct Territory {
    regions: Vec<(i64, String, String)>,
    municipalities: Vec<(i64, i64, String)>,
    settlements: Vec<(i64, i64, String)>,
    organizations: Vec<Organization>,
}

impl Territory {
    /// Region 1 «Край» (code 99), municipality 2 «Округ», settlement 3 «Город».
    pub fn standard() -> Territory {
        Territory::named("Край", "Округ", "Город")
    }

    /// Region 1 (code 99), municipality 2 and settlement 3 with these names.
    pub fn named(region: &str, municipality: &str, settlement: &str) -> Territory {
        Territory::default()
            .region(1, "99", region)
            .municipality(2, 1, municipality)
            .settlement(3, 2, settlement)
    }

    /// Adds a region.
    pub fn region(mut self, id: i64, code: &str, name: &str) -> Territory {
        self.regions.push((id, code.into(), name.into()));
        self
    }

    /// Adds a municipality of a region.
    pub fn municipality(mut self, id: i64, region_id: i64, name: &str) -> Territory {
        self.municipalities.push((id, region_id, name.into()));
        self
    }

    /// Adds a settlement of a municipality.
    pub fn settlement(mut self, id: i64, municipality_id: i64, name: &str) -> Territory {
        self.settlements.push((id, municipality_id, name.into()));
        self
    }

    /// Adds an organization.
    pub fn organization(mut self, organization: Organization) -> Territory {
        self.organizations.push(organization);
        self
    }

    /// Adds a general school in settlement 3 ([`Organization::school`]).
    pub fn school(self, id: i64, name: &str) -> Territory {
        self.organization(Organization::school(id, name))
    }

    /// Inserts everything.
    pub async fn insert(self, s: &dyn Store) {
        rows(
            s,
            "regions",
            &["id", "code", "name"],
            self.regions
                .into_iter()
                .map(|(id, code, name)| vec![id.into(), code.into(), name.into()])
                .collect(),
        )
        .await;
        rows(
            s,
            "municipalities",
            &["id", "region_id", "name"],
            self.municipalities
                .into_iter()
                .map(|(id, region, name)| vec![id.into(), region.into(), name.into()])
                .collect(),
        )
        .await;
        rows(
            s,
            "settlements",
            &["id", "municipality_id", "name"],
            self.settlements
                .into_iter()
                .map(|(id, municipality, name)| vec![id.into(), municipality.into(), name.into()])
                .collect(),
        )
        .await;
        let with_director = self.organizations.iter().any(|o| o.director.is_some());
        const COLUMNS: [&str; 7] = [
            "id",
            "settlement_id",
            "kind",
            "short_name",
            "full_name",
            "name_norm",
            "director",
        ];
        let columns: &'static [&'static str] = if with_director {
            &COLUMNS
        } else {
            &COLUMNS[..6]
        };
        let organizations = self
            .organizations
            .into_iter()
            .map(|o| {
                let mut row: Vec<Value> = vec![
                    o.id.into(),
                    o.settlement_id.into(),
                    o.kind.into(),
                    o.short_name.into(),
                    o.full_name.into(),
                    o.name_norm.into(),
                ];
                if with_director {
                    row.push(o.director.unwrap_or_default().into());
                }
                row
            })
            .collect();
        rows(s, "organizations", columns, organizations).await;
    }
}

/// Noon (UTC) of a day of November 2026.
pub fn noon(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
}

/// School 10 «Школа 10» on the standard territory with the teacher 100 (Петрова), the parents
/// 101 (Иванова) and 102 (Сидоров).
pub async fn small_school(s: &dyn Store) {
    let now = noon(1);
    Territory::standard()
        .organization(Organization::new(
            10,
            "general",
            "Школа 10",
            "МБОУ Школа 10",
            "школа 10",
        ))
        .insert(s)
        .await;
    let people = [
        (100i64, "Петрова", "Анна"),
        (101, "Иванова", "Мария"),
        (102, "Сидоров", "Олег"),
    ];
    rows(
        s,
        "persons",
        &["id", "last_name", "first_name", "created_at"],
        people
            .iter()
            .map(|(id, l, f)| vec![(*id).into(), (*l).into(), (*f).into(), now.into()])
            .collect(),
    )
    .await;
    rows(
        s,
        "accounts",
        &[
            "id",
            "person_id",
            "organization_id",
            "login",
            "login_norm",
            "display_name",
            "created_at",
        ],
        people
            .iter()
            .map(|(id, l, f)| {
                let login = format!("{l}{f}");
                vec![
                    (*id).into(),
                    (*id).into(),
                    10i64.into(),
                    login.clone().into(),
                    login.to_lowercase().into(),
                    format!("{l} {f}").into(),
                    now.into(),
                ]
            })
            .collect(),
    )
    .await;
}
