//! The territory of the demo region: «Заречный край», its municipalities, settlements and
//! education authorities, and the card of an organization.

use chrono::NaiveDate;
use sgo_core::OrganizationKind;
use sgo_store::Value;

use super::rng::Rng;
use super::rows::{Batch, Ids, MUNICIPALITIES, ORGANIZATIONS, REGIONS, SETTLEMENTS};

/// The region's name.
pub(crate) const REGION_NAME: &str = "Заречный край";
const REGION_CODE: &str = "99";
const PORTAL_NAME: &str = "Сетевой город. Образование Заречного края";
/// The domain of the region's e-mail and web addresses.
pub(crate) const DOMAIN: &str = "edu-zarechny.ru";

/// District roots: the adjective of the district and its administrative centre.
const DISTRICTS: &[(&str, &str)] = &[
    ("Берёзовский", "с. Берёзовка"),
    ("Сосновский", "пгт Сосновка"),
    ("Озёрский", "г. Озёрск"),
    ("Каменский", "г. Каменск"),
    ("Ольховский", "с. Ольховка"),
    ("Луговской", "с. Луговое"),
    ("Никольский", "г. Никольск"),
    ("Покровский", "с. Покровское"),
    ("Ивановский", "с. Ивановка"),
    ("Красноярский", "с. Красный Яр"),
    ("Верхнереченский", "г. Верхнереченск"),
    ("Кедровский", "пгт Кедровый"),
    ("Светловский", "г. Светлогорск"),
    ("Малиновский", "с. Малиновка"),
    ("Рябиновский", "с. Рябиновка"),
    ("Троицкий", "г. Троицк"),
    ("Вознесенский", "с. Вознесенское"),
    ("Песчанский", "с. Песчанка"),
    ("Ключевской", "с. Ключи"),
    ("Еловский", "с. Елово"),
    ("Заозёрный", "г. Заозёрный"),
    ("Медведевский", "с. Медведево"),
    ("Боровской", "пгт Боровой"),
    ("Дубровский", "с. Дубровка"),
    ("Полевской", "г. Полевской"),
    ("Успенский", "с. Успенка"),
    ("Калиновский", "с. Калиновка"),
    ("Черёмуховский", "с. Черёмушки"),
    ("Зелёнодольский", "г. Зелёнодольск"),
    ("Тихоновский", "с. Тихоновка"),
    ("Горный", "пгт Горный"),
    ("Родниковский", "с. Родники"),
];

/// Villages that make up a district besides its centre.
const VILLAGES: &[&str] = &[
    "с. Никольское",
    "д. Малиновка",
    "пос. Ключи",
    "с. Покровка",
    "с. Александровка",
    "д. Петровка",
    "с. Знаменка",
    "пос. Лесной",
    "с. Ильинка",
    "д. Сосновый Бор",
    "с. Вишнёвое",
    "пос. Рассвет",
];

const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Советская",
    "ул. Школьная",
    "ул. Мира",
    "ул. Молодёжная",
    "ул. Центральная",
    "ул. Садовая",
    "ул. Гагарина",
    "ул. Пушкина",
    "пр. Строителей",
    "ул. Набережная",
    "ул. Лесная",
];

/// A settlement a school can stand in.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub(crate) settlement_id: i64,
    pub(crate) settlement: String,
    /// The municipal education authority, whose schools report to it.
    pub(crate) authority_id: i64,
    pub(crate) phone_code: String,
    pub(crate) postcode_base: u32,
}

/// An education authority: the regional one, where the region administrator works, or a
/// municipal one, where an officer reads its schools' reports.
#[derive(Debug, Clone)]
pub(crate) struct Authority {
    pub(crate) id: i64,
    pub(crate) short_name: String,
}

/// Short name of the regional education authority.
const REGIONAL_SHORT_NAME: &str = "Минобразования Заречного края";

/// Municipality names: the regional centre first, then districts, then municipal okrugs.
fn municipality(i: usize) -> (String, Vec<String>) {
    if i == 0 {
        return (
            "городской округ Заречный".to_owned(),
            vec!["г. Заречный".to_owned()],
        );
    }
    let k = i - 1;
    let (adjective, centre) = DISTRICTS[k % DISTRICTS.len()];
    let name = match k / DISTRICTS.len() {
        0 => format!("{adjective} муниципальный район"),
        1 => format!("{adjective} муниципальный округ"),
        n => format!("{adjective} муниципальный район ({})", n - 1),
    };
    (name, vec![centre.to_owned()])
}

/// The authority's name in the genitive-free form used for УО: «Управление образования …».
fn authority_name(municipality: &str) -> (String, String) {
    let short = format!("УО {municipality}");
    let full = format!("Управление образования администрации {municipality}");
    (short, full)
}

/// Writes the region, its authorities and territory into the batch; returns the places where
/// schools go, one per school, in school order, and the regional authority.
pub(crate) fn build(
    batch: &mut Batch,
    ids: &mut Ids,
    rng: &mut Rng,
    schools: u32,
    founded: NaiveDate,
) -> (Vec<Place>, Authority, Vec<Authority>) {
    let region_id = ids.next(&REGIONS);
    batch.push(
        &REGIONS,
        vec![
            region_id.into(),
            REGION_CODE.into(),
            REGION_NAME.into(),
            PORTAL_NAME.into(),
        ],
    );

    let count = (schools as usize).div_ceil(8).max(1);
    // The regional centre gets a larger share of schools, as cities do.
    let mut district_schools = 0usize;
    let municipality_of: Vec<usize> = (0..schools as usize)
        .map(|i| {
            if i % 3 == 0 || count == 1 {
                return 0;
            }
            district_schools += 1;
            1 + (district_schools - 1) % (count - 1)
        })
        .collect();
    let mut municipalities_places: Vec<Vec<Place>> = Vec::with_capacity(count);
    let mut regional_id = 0;
    let mut municipal = Vec::with_capacity(count);
    for i in 0..count {
        let (name, mut settlements) = municipality(i);
        let schools_here = municipality_of.iter().filter(|&&m| m == i).count();
        if i > 0 {
            // No settlement without a school: the login form would offer an empty list there.
            let extra = rng.index(3).min(schools_here.saturating_sub(1));
            let start = rng.index(VILLAGES.len());
            for j in 0..extra {
                settlements.push(VILLAGES[(start + j) % VILLAGES.len()].to_owned());
            }
        }
        let municipality_id = ids.next(&MUNICIPALITIES);
        batch.push(
            &MUNICIPALITIES,
            vec![
                municipality_id.into(),
                region_id.into(),
                name.clone().into(),
            ],
        );
        let phone_code = if i == 0 {
            "3852".to_owned()
        } else {
            format!("385{}{}", 3 + i % 7, i % 10)
        };
        let postcode_base = 699_000 + (i as u32) * 20;
        let mut places = Vec::new();
        let mut settlement_ids = Vec::new();
        for s in &settlements {
            let sid = ids.next(&SETTLEMENTS);
            batch.push(
                &SETTLEMENTS,
                vec![sid.into(), municipality_id.into(), s.clone().into()],
            );
            settlement_ids.push(sid);
        }
        if i == 0 {
            // The regional ministry sits in the regional centre.
            regional_id = ids.next(&ORGANIZATIONS);
            let card = Card {
                id: regional_id,
                settlement_id: settlement_ids[0],
                kind: OrganizationKind::RegionalAuthority,
                short_name: REGIONAL_SHORT_NAME.to_owned(),
                full_name: "Министерство образования Заречного края".to_owned(),
                authority_id: None,
                inn: inn(rng),
                ogrn: ogrn(rng, 102),
                address: format!(
                    "{}, {REGION_NAME}, г. Заречный, пл. Советов, д. 1",
                    postcode_base
                ),
                phones: format!("+7 ({phone_code}) 20-10-01"),
                fax: format!("+7 ({phone_code}) 20-10-02"),
                email: format!("minobr@{DOMAIN}"),
                web: format!("https://{DOMAIN}"),
                director: String::new(),
                principal_uvr: String::new(),
                principal_ahc: String::new(),
                principal_it: String::new(),
                about: "Орган исполнительной власти края в сфере образования".to_owned(),
                founding_date: Some(founded),
            };
            card.push(batch);
        }
        let authority_id = ids.next(&ORGANIZATIONS);
        let (short, full) = authority_name(&name);
        municipal.push(Authority {
            id: authority_id,
            short_name: short.clone(),
        });
        let street = rng.pick(STREETS);
        let card = Card {
            id: authority_id,
            settlement_id: settlement_ids[0],
            kind: OrganizationKind::MunicipalAuthority,
            short_name: short,
            full_name: full,
            authority_id: Some(regional_id),
            inn: inn(rng),
            ogrn: ogrn(rng, 102),
            address: format!(
                "{}, {REGION_NAME}, {}, {street}, д. {}",
                postcode_base,
                settlements[0],
                rng.range(1, 40)
            ),
            phones: format!(
                "+7 ({phone_code}) 2-{:02}-{:02}",
                rng.range(10, 99),
                rng.range(10, 99)
            ),
            fax: String::new(),
            email: format!("uo{i}@{DOMAIN}"),
            web: format!("https://uo{i}.{DOMAIN}"),
            director: String::new(),
            principal_uvr: String::new(),
            principal_ahc: String::new(),
            principal_it: String::new(),
            about: format!("Муниципальный орган управления образованием: {name}"),
            founding_date: None,
        };
        card.push(batch);
        for (sid, s) in settlement_ids.iter().zip(&settlements) {
            places.push(Place {
                settlement_id: *sid,
                settlement: s.clone(),
                authority_id,
                phone_code: phone_code.clone(),
                postcode_base,
            });
        }
        municipalities_places.push(places);
    }

    let mut placed = vec![0usize; count];
    let places = municipality_of
        .iter()
        .map(|&m| {
            let places = &municipalities_places[m];
            let place = places[placed[m] % places.len()].clone();
            placed[m] += 1;
            place
        })
        .collect();
    let authority = Authority {
        id: regional_id,
        short_name: REGIONAL_SHORT_NAME.to_owned(),
    };
    (places, authority, municipal)
}

/// The school-card columns of `organizations`.
pub(crate) struct Card {
    pub(crate) id: i64,
    pub(crate) settlement_id: i64,
    pub(crate) kind: OrganizationKind,
    pub(crate) short_name: String,
    pub(crate) full_name: String,
    pub(crate) authority_id: Option<i64>,
    pub(crate) inn: String,
    pub(crate) ogrn: String,
    pub(crate) address: String,
    pub(crate) phones: String,
    pub(crate) fax: String,
    pub(crate) email: String,
    pub(crate) web: String,
    pub(crate) director: String,
    pub(crate) principal_uvr: String,
    pub(crate) principal_ahc: String,
    pub(crate) principal_it: String,
    pub(crate) about: String,
    pub(crate) founding_date: Option<NaiveDate>,
}

impl Card {
    pub(crate) fn push(self, batch: &mut Batch) {
        let norm = sgo_core::text::normalise(&format!("{} {}", self.short_name, self.full_name));
        batch.push(
            &ORGANIZATIONS,
            vec![
                self.id.into(),
                self.settlement_id.into(),
                self.kind.code().into(),
                self.short_name.into(),
                self.full_name.into(),
                norm.into(),
                self.authority_id.into(),
                self.inn.into(),
                self.ogrn.into(),
                self.address.clone().into(),
                self.address.into(),
                self.phones.into(),
                self.fax.into(),
                self.email.into(),
                self.web.into(),
                self.director.into(),
                self.principal_uvr.into(),
                self.principal_ahc.into(),
                self.principal_it.into(),
                self.about.into(),
                self.founding_date.into(),
                Value::Bool(true),
            ],
        );
    }
}

/// A street address line in a settlement.
pub(crate) fn street(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(STREETS)
}

/// A 10-digit ИНН of a legal entity of region 99, with a valid check digit.
pub(crate) fn inn(rng: &mut Rng) -> String {
    let mut digits = vec![9u32, 9];
    for _ in 0..7 {
        digits.push(rng.below(10) as u32);
    }
    const WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    digits.push(sum % 11 % 10);
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// A 13-digit ОГРН starting with `prefix` (the sign 1 and a two-digit year) and region 99, with a valid check digit.
pub(crate) fn ogrn(rng: &mut Rng, prefix: u64) -> String {
    let mut n = prefix * 100 + 99;
    for _ in 0..7 {
        n = n * 10 + rng.below(10);
    }
    let check = n % 11 % 10;
    format!("{n}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inn_and_ogrn_have_their_lengths_and_check_digits() {
        let mut rng = Rng::new(5);
        for _ in 0..50 {
            let i = inn(&mut rng);
            assert_eq!(i.len(), 10);
            assert!(i.starts_with("99"));
            let o = ogrn(&mut rng, 103);
            assert_eq!(o.len(), 13);
            let body: u64 = o[..12].parse().expect("digits");
            assert_eq!(body % 11 % 10, u64::from(o.as_bytes()[12] - b'0'));
        }
    }

    #[test]
    fn every_settlement_has_a_school() {
        for schools in [1u32, 2, 9, 17, 50, 64, 500] {
            let mut batch = Batch::default();
            let mut ids = Ids::new();
            let mut rng = Rng::new(9);
            let founded = NaiveDate::from_ymd_opt(1991, 12, 20).expect("date");
            let (places, authority, _) = build(&mut batch, &mut ids, &mut rng, schools, founded);
            assert!(authority.id > 0);
            assert_eq!(places.len(), schools as usize);
            let used: std::collections::HashSet<i64> =
                places.iter().map(|p| p.settlement_id).collect();
            assert_eq!(
                used.len() as i64,
                ids.next(&SETTLEMENTS) - 1,
                "{schools} schools"
            );
        }
    }

    #[test]
    fn municipalities_have_distinct_names() {
        let names: std::collections::HashSet<String> = (0..70).map(|i| municipality(i).0).collect();
        assert_eq!(names.len(), 70);
    }
}
