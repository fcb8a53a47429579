//! One world for the tests above `store`: a demo region on a fresh database of either engine,
//! the application on a fixed day, and the real router in front of it.
//!
//! Generating a demo region costs more than the tests that use it, so each demo (its options and
//! the generator's sources) is generated once into a template database and copied per test.

use axum::Router;
use chrono::NaiveDate;
use sgo_app::{Actor, App, Clock, Engine, Origin, PasswordCost, Role, ServerKey, Settings};
use sgo_demo::{DemoAccount, DemoOptions, generate};
use sgo_store::Store;
use sgo_store::testing::TestStore;
use sgo_web::{WebOptions, router};

use crate::tempdir;
use sgo_core::policy::SchoolAdministrator;
use sgo_core::{AccountId, OrganizationId};

/// The fixed "today" of the demo data (a Monday in the second quarter).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The server key of every demo world: the demo seals passwords with it, so a region copied
/// from a template needs the key it was generated with.
const DEMO_KEY: &str = "c2dvLXRlc3Qta2l0LWRlbW8tc2VydmVyLWtleS0wMSE=";

/// The server key of every demo world as base64, for a real `sgo serve` started on a world's
/// database (`SGO_SERVER_KEY`): its sessions and sealed passwords are then valid there too.
pub fn demo_server_key() -> &'static str {
    DEMO_KEY
}

/// What demo region a world holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demo {
    /// How many schools.
    pub schools: u32,
    /// Students in every class.
    pub students_per_class: u32,
    /// The generator's seed.
    pub seed: u64,
}

impl Default for Demo {
    fn default() -> Self {
        Demo {
            schools: 1,
            students_per_class: 3,
            seed: 5,
        }
    }
}

/// A demo region on a fresh database with the router in front of it.
pub struct World {
    /// The database (dropped with the world).
    pub db: TestStore,
    /// The application.
    pub app: App,
    /// The HTTP surface.
    pub router: Router,
    /// Accounts that got passwords.
    pub accounts: Vec<DemoAccount>,
    /// Where this world's files are kept (removed with the world).
    pub files_dir: tempdir::Dir,
    /// The application's clock (a manual one moves the world's time).
    pub clock: Clock,
    /// The router's presentation options.
    pub web: WebOptions,
}

/// How to build a [`World`]: the demo, the settings, the presentation options and the clock.
pub struct WorldBuilder {
    engine: Engine,
    demo: Demo,
    settings: Settings,
    web: WebOptions,
    clock: Clock,
    files_dir: tempdir::Dir,
}

impl WorldBuilder {
    /// The number of schools (1 unless set).
    pub fn schools(mut self, schools: u32) -> Self {
        self.demo.schools = schools;
        self
    }

    /// Students in every class (3 unless set).
    pub fn students_per_class(mut self, students: u32) -> Self {
        self.demo.students_per_class = students;
        self
    }

    /// The generator's seed (5 unless set).
    pub fn seed(mut self, seed: u64) -> Self {
        self.demo.seed = seed;
        self
    }

    /// Adjusts the settings (demo password cost and a temporary files directory unless set).
    pub fn settings(mut self, tune: impl FnOnce(&mut Settings)) -> Self {
        tune(&mut self.settings);
        self
    }

    /// The presentation options of the router.
    pub fn web(mut self, web: WebOptions) -> Self {
        self.web = web;
        self
    }

    /// The application's clock (the fixed day [`today`] unless set).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Makes the database, the demo region, the application and the router.
    pub async fn start(self) -> World {
        let (db, accounts) = demo_store(self.engine, self.demo).await;
        let key = ServerKey::from_base64(DEMO_KEY).unwrap();
        let app = App::new(db.store.clone(), key, self.settings, self.clock.clone());
        let router = router(app.clone(), self.web.clone());
        World {
            db,
            app,
            router,
            accounts,
            files_dir: self.files_dir,
            clock: self.clock,
            web: self.web,
        }
    }
}

/// A store holding the demo region, copied from its template, and its accounts (the tests of
/// the `sgo` binary serve it with a real server process).
pub async fn demo_store(engine: Engine, demo: Demo) -> (TestStore, Vec<DemoAccount>) {
    let options = DemoOptions {
        schools: demo.schools,
        students_per_class: demo.students_per_class,
        seed: demo.seed,
        today: today(),
    };
    // Everything the template's contents follow from: the generator's sources, the key that
    // sealed its passwords, the options.
    let key = format!(
        "demo v1 {} {DEMO_KEY} {} {} {} {}",
        env!("SGO_DEMO_FINGERPRINT"),
        options.schools,
        options.students_per_class,
        options.seed,
        options.today
    );
    let (db, payload) = TestStore::from_template(engine, &key, |store| async move {
        let key = ServerKey::from_base64(DEMO_KEY).unwrap();
        let accounts = generate(store.as_ref(), &key, &options, &|_| {})
            .await
            .unwrap();
        encode_accounts(&accounts)
    })
    .await;
    (db, decode_accounts(&payload))
}

fn encode_accounts(accounts: &[DemoAccount]) -> String {
    let rows: Vec<serde_json::Value> = accounts
        .iter()
        .map(|a| {
            serde_json::json!([
                a.role.code(),
                a.organization_id,
                a.organization_short_name,
                a.login,
                a.password,
                a.display_name,
                a.children,
            ])
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

fn decode_accounts(payload: &str) -> Vec<DemoAccount> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(payload).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    rows.iter()
        .map(|r| DemoAccount {
            role: Role::from_code(r[0].as_str().unwrap()).unwrap(),
            organization_id: r[1].as_i64().unwrap(),
            organization_short_name: text(&r[2]),
            login: text(&r[3]),
            password: text(&r[4]),
            display_name: text(&r[5]),
            children: r[6].as_array().unwrap().iter().map(text).collect(),
        })
        .collect()
}

/// A demo region of `schools` schools (3 students per class) with settings adjusted by `tune`.
pub async fn world_with(engine: Engine, schools: u32, tune: impl FnOnce(&mut Settings)) -> World {
    World::build(engine)
        .schools(schools)
        .settings(tune)
        .start()
        .await
}

/// A demo region with default settings.
pub async fn world(engine: Engine, schools: u32) -> World {
    world_with(engine, schools, |_| {}).await
}

impl World {
    /// A builder: one school, 3 students per class, seed 5, demo password cost, the fixed day.
    pub fn build(engine: Engine) -> WorldBuilder {
        let files_dir = tempdir::Dir::new();
        let settings = Settings {
            password_cost: PasswordCost::DEMO,
            files_dir: files_dir.path.clone(),
            ..Settings::default()
        };
        WorldBuilder {
            engine,
            demo: Demo::default(),
            settings,
            web: WebOptions::default(),
            clock: Clock::FixedDay(today()),
            files_dir,
        }
    }

    /// The same world behind a new application (a changed app, such as one with an identity
    /// provider), and a new router in front of it.
    pub fn with_app(mut self, app: App) -> World {
        self.router = router(app.clone(), self.web.clone());
        self.app = app;
        self
    }

    /// This week (Monday to Sunday of the test day) of the student with account `id`, as they
    /// read it themself.
    pub async fn this_week(&self, id: i64) -> sgo_app::diary::DiaryWeek {
        let monday = sgo_core::calendar::week_start(today());
        self.app
            .diary_week(
                &self.actor_of(id).await,
                sgo_core::StudentId::new(id),
                monday,
                monday + chrono::Duration::days(6),
                &Origin::default(),
            )
            .await
            .unwrap()
    }

    /// A teacher of the first lesson of `week` gives homework `title` with `files` on it: the
    /// teacher and the new assignment.
    pub async fn give_homework(
        &self,
        week: &sgo_app::diary::DiaryWeek,
        title: &str,
        files: Vec<sgo_app::files::Upload>,
    ) -> (Actor, sgo_core::AssignmentId) {
        let lesson = &week
            .days
            .iter()
            .flat_map(|d| &d.lessons)
            .next()
            .expect("a lesson this week")
            .lesson;
        let teacher_id = self
            .store()
            .journal_lesson(lesson.lesson_id.get())
            .await
            .unwrap()
            .unwrap()
            .teacher_account_id
            .unwrap();
        let teacher = self.actor_of(teacher_id).await;
        let kind = self
            .store()
            .assignment_types(week.student.organization_id.get(), true)
            .await
            .unwrap()[0]
            .id;
        let input = sgo_app::journal::AssignmentInput {
            type_id: kind.to_string(),
            title: title.into(),
            description: String::new(),
            due_date: lesson.date.to_string(),
            weight: String::new(),
            mandatory: false,
        };
        let id = self
            .app
            .add_assignment(
                &teacher,
                &Origin::default(),
                lesson.lesson_id,
                &input,
                files,
            )
            .await
            .unwrap();
        (teacher, sgo_core::AssignmentId::new(id))
    }

    /// A second node of this world: the same settings, key and clock, on a store of its own
    /// (its own connections) to the same database, and with its own caches and outbox follower,
    /// as another `sgo serve` process would have.
    pub async fn another_node(&self) -> App {
        self.another_node_with_key(self.app.key().clone()).await
    }

    /// [`World::another_node`] with its own server key: a deployment whose key was replaced.
    pub async fn another_node_with_key(&self, key: sgo_auth::ServerKey) -> App {
        let store = match &self.db.database_url {
            Some(url) => sgo_store::connect(Some(url), &self.db.dir.join("unused.db")).await,
            None => sgo_store::connect(None, &self.db.dir.join("sgo.db")).await,
        }
        .unwrap();
        App::new(store, key, self.app.settings().clone(), self.clock.clone())
    }

    /// The same world with its application on another clock.
    pub fn with_clock(self, clock: Clock) -> World {
        let app = App::new(
            self.db.store.clone(),
            self.app.key().clone(),
            self.app.settings().clone(),
            clock.clone(),
        );
        let mut w = self.with_app(app);
        w.clock = clock;
        w
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.db.store.as_ref()
    }

    /// The first account with a role in an organization.
    pub fn first(&self, role: Role, org: i64) -> DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role && a.organization_id == org)
            .unwrap_or_else(|| panic!("no {role:?} in organization {org}"))
            .clone()
    }

    /// The first account with a role, whatever its organization.
    pub fn any(&self, role: Role) -> DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .unwrap_or_else(|| panic!("no {role:?}"))
            .clone()
    }

    /// Every account with a role in an organization.
    pub fn all(&self, role: Role, org: i64) -> Vec<DemoAccount> {
        self.accounts
            .iter()
            .filter(|a| a.role == role && a.organization_id == org)
            .cloned()
            .collect()
    }

    /// The first school's administrator.
    pub fn admin(&self) -> DemoAccount {
        self.any(Role::Administrator)
    }

    /// The organizations of the demo schools, in generation order.
    pub fn schools(&self) -> Vec<i64> {
        let mut orgs: Vec<i64> = self.accounts.iter().map(|a| a.organization_id).collect();
        orgs.dedup();
        orgs
    }

    /// The first account with a role in the `nth` school.
    pub fn in_school(&self, role: Role, nth: usize) -> DemoAccount {
        self.first(role, self.schools()[nth])
    }

    /// The account id of a demo account.
    pub async fn id_of(&self, a: &DemoAccount) -> i64 {
        self.account_id_by_login(a.organization_id, &a.login)
            .await
            .unwrap()
    }

    /// The account id of a login in a school, if it exists.
    pub async fn account_id_by_login(&self, organization: i64, login: &str) -> Option<i64> {
        self.store()
            .credentials(organization, &sgo_core::text::normalise(login))
            .await
            .unwrap()
            .map(|c| c.account_id)
    }

    /// The actor of the first account with a role (in the first school that has one).
    pub async fn first_actor(&self, role: Role) -> Actor {
        self.actor(&self.any(role)).await
    }

    /// The administrator of the `nth` school, as the policy hands them to the use cases.
    pub async fn school_admin(&self, nth: usize) -> SchoolAdministrator {
        let actor = self.actor(&self.in_school(Role::Administrator, nth)).await;
        sgo_core::policy::school_administrator(&actor).unwrap()
    }

    /// The names («5А») of the classes of a school's current year.
    pub async fn class_names(&self, organization: i64) -> Vec<String> {
        let year = self
            .store()
            .current_year(organization, today())
            .await
            .unwrap()
            .unwrap();
        self.store()
            .year_classes(year.id)
            .await
            .unwrap()
            .into_iter()
            .map(|c| format!("{}{}", c.grade, c.letter))
            .collect()
    }

    /// The actor of an account id, with its organization and roles as the store has them.
    pub async fn actor_of(&self, id: i64) -> Actor {
        let account = self.store().account(id).await.unwrap().unwrap();
        Actor::new(
            AccountId::new(id),
            OrganizationId::new(account.organization_id),
            self.store().account_roles(id).await.unwrap(),
        )
    }

    /// The actor of a demo account.
    pub async fn actor(&self, a: &DemoAccount) -> Actor {
        let id = self.id_of(a).await;
        Actor::new(
            AccountId::new(id),
            OrganizationId::new(a.organization_id),
            self.store().account_roles(id).await.unwrap(),
        )
    }

    /// The demo account with this id.
    pub async fn account_of(&self, id: i64) -> DemoAccount {
        for a in &self.accounts {
            if self.id_of(a).await == id {
                return a.clone();
            }
        }
        panic!("no demo account {id}");
    }

    /// An open API token of the account with `scopes`, valid for the default lifetime.
    pub async fn api_token(
        &self,
        a: &DemoAccount,
        scopes: &[sgo_core::api_scope::ApiScope],
    ) -> String {
        let actor = self.actor(a).await;
        let issuer = self.app.token_issuer(&actor).unwrap();
        let request = sgo_app::api_tokens::TokenRequest {
            name: "тест".into(),
            scopes: scopes.iter().map(|s| s.code().to_owned()).collect(),
            lifetime_days: None,
        };
        self.app
            .create_api_token(&issuer, &request, &Origin::default())
            .await
            .unwrap()
            .token
    }

    /// A session token for the account (works as the web cookie and as the NetSchool `at`).
    pub async fn token(&self, a: &DemoAccount) -> String {
        let organization = OrganizationId::new(a.organization_id);
        self.app
            .sign_in(organization, &a.login, &a.password, &Origin::default())
            .await
            .unwrap()
            .token
    }
}
