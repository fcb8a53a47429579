//! The fourteen kinds of actor of the role × route matrix and the region they act in: each
//! actor is found by its relation to one student («the student»), so every id a route is tried
//! with belongs to someone the actor may or may not reach.

use std::collections::HashMap;

use sgo_app::{Engine, PasswordCost, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::{TestStore, World};

/// Who asks. The list is data: the open-API and mobile issues add token holders here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Nobody signed in.
    Anonymous,
    /// The student whose data the ids point at.
    Student,
    /// Another student of the same class.
    Classmate,
    /// A parent of the student.
    Parent,
    /// A parent of another family of the school.
    OtherParent,
    /// A teacher of one of the student's subject groups.
    SubjectTeacher,
    /// A teacher of the school who teaches none of the student's groups.
    OtherTeacher,
    /// The class teacher of the student's class.
    ClassTeacher,
    /// The school's administrator.
    Administrator,
    /// The school's deputy head.
    DeputyHead,
    /// The administrator of another school.
    OtherAdministrator,
    /// An officer of the education authority over the school.
    Officer,
    /// An officer of another territory's authority.
    OtherOfficer,
    /// The region administrator.
    RegionAdministrator,
}

impl Kind {
    /// The short column title of the table in docs/security.md.
    pub fn column(self) -> &'static str {
        match self {
            Kind::Anonymous => "anon",
            Kind::Student => "stud",
            Kind::Classmate => "mate",
            Kind::Parent => "par",
            Kind::OtherParent => "par₂",
            Kind::SubjectTeacher => "teach",
            Kind::OtherTeacher => "teach₂",
            Kind::ClassTeacher => "class",
            Kind::Administrator => "adm",
            Kind::DeputyHead => "dep",
            Kind::OtherAdministrator => "adm₂",
            Kind::Officer => "off",
            Kind::OtherOfficer => "off₂",
            Kind::RegionAdministrator => "reg",
        }
    }

    /// Every kind, in the order the matrix runs them.
    pub const ALL: [Kind; 14] = [
        Kind::Anonymous,
        Kind::Student,
        Kind::Classmate,
        Kind::Parent,
        Kind::OtherParent,
        Kind::SubjectTeacher,
        Kind::OtherTeacher,
        Kind::ClassTeacher,
        Kind::Administrator,
        Kind::DeputyHead,
        Kind::OtherAdministrator,
        Kind::Officer,
        Kind::OtherOfficer,
        Kind::RegionAdministrator,
    ];
}

/// An actor with its signed-in session (none for the anonymous one).
pub struct Actor {
    /// What it is.
    pub kind: Kind,
    /// Its account id (0 for the anonymous one).
    pub id: i64,
    /// The page cookie (session and CSRF), empty when anonymous.
    pub cookie: String,
    /// The NetSchool `at` token, empty when anonymous.
    pub at: String,
    /// An open API token with every scope, empty when anonymous.
    pub bearer: String,
}

/// Ids of the things the routes are tried with.
#[derive(Debug, Default)]
pub struct Ids {
    pub school: i64,
    pub other_school: i64,
    pub third_school: i64,
    pub student: i64,
    pub class: i64,
    pub other_class: i64,
    pub group: i64,
    pub other_group: i64,
    pub subgroup: i64,
    pub lesson: i64,
    pub year: i64,
    pub subject: i64,
    pub municipality: i64,
    pub settlement: i64,
    pub announcement: i64,
    pub assignment: i64,
    pub message: i64,
    pub file: i64,
    pub session: i64,
    pub assignment_type: i64,
}

/// The region, its actors and the ids.
pub struct Matrix {
    pub world: World,
    pub actors: Vec<Actor>,
    pub ids: Ids,
}

/// The first id a query finds that is also in `among` (accounts with a demo password).
async fn first_of(db: &TestStore, sql: &str, among: &HashMap<i64, DemoAccount>) -> i64 {
    db.ids(sql)
        .await
        .into_iter()
        .find(|id| among.contains_key(id))
        .unwrap_or_else(|| panic!("no account with a password for {sql}"))
}

async fn one(db: &TestStore, sql: &str) -> i64 {
    *db.ids(sql)
        .await
        .first()
        .unwrap_or_else(|| panic!("no row for {sql}"))
}

impl Matrix {
    /// Nine schools, so that the region has two municipalities with an authority each.
    pub async fn new(engine: Engine) -> Matrix {
        let world = World::build(engine)
            .schools(9)
            .students_per_class(2)
            .seed(11)
            .start()
            .await;
        let ids = Ids::default();
        let mut m = Matrix {
            world,
            actors: Vec::new(),
            ids,
        };
        m.find().await;
        m.make_things().await;
        m
    }

    /// The demo accounts with a password, by account id.
    async fn known(&self) -> HashMap<i64, DemoAccount> {
        let mut out = HashMap::new();
        for a in &self.world.accounts {
            out.insert(self.world.id_of(a).await, a.clone());
        }
        out
    }

    /// A demo account for an account the demo gave no password (a deputy head): one is set.
    async fn with_password(&self, id: i64) -> DemoAccount {
        let record = self.world.store().account(id).await.unwrap().unwrap();
        let password = "Zx8-matrix-deputy";
        let hash = sgo_auth::password::hash_password(password, PasswordCost::DEMO).unwrap();
        assert!(
            self.world
                .store()
                .set_password(id, &hash, None, false)
                .await
                .unwrap()
        );
        DemoAccount {
            role: Role::DeputyHead,
            organization_id: record.organization_id,
            organization_short_name: String::new(),
            login: record.login,
            password: password.to_owned(),
            display_name: record.display_name,
            children: Vec::new(),
        }
    }

    async fn find(&mut self) {
        let known = self.known().await;
        let db = &self.world.db;
        let admin = self.world.admin();
        let school = admin.organization_id;
        let other_admin = self
            .world
            .accounts
            .iter()
            .find(|a| a.role == Role::Administrator && a.organization_id != school)
            .unwrap()
            .clone();
        let student = first_of(
            db,
            &format!(
                "SELECT ps.student_account_id FROM parent_students ps \
                 JOIN accounts a ON a.id = ps.student_account_id \
                 JOIN class_students cs ON cs.student_account_id = a.id \
                 JOIN classes c ON c.id = cs.class_id \
                 WHERE a.organization_id = {school} AND c.grade = 5 ORDER BY 1"
            ),
            &known,
        )
        .await;
        let class = one(
            db,
            &format!("SELECT class_id FROM class_students WHERE student_account_id = {student}"),
        )
        .await;
        let classmate = first_of(
            db,
            &format!(
                "SELECT student_account_id FROM class_students WHERE class_id = {class} \
                 AND student_account_id <> {student} ORDER BY 1"
            ),
            &known,
        )
        .await;
        let parent = first_of(
            db,
            &format!(
                "SELECT parent_account_id FROM parent_students WHERE student_account_id = {student}"
            ),
            &known,
        )
        .await;
        let other_parent = first_of(
            db,
            &format!(
                "SELECT ps.parent_account_id FROM parent_students ps \
                 JOIN accounts a ON a.id = ps.parent_account_id \
                 WHERE a.organization_id = {school} AND ps.parent_account_id NOT IN \
                 (SELECT parent_account_id FROM parent_students WHERE student_account_id IN \
                 ({student}, {classmate})) ORDER BY 1"
            ),
            &known,
        )
        .await;
        let class_teacher = first_of(
            db,
            &format!("SELECT teacher_account_id FROM class_teachers WHERE class_id = {class}"),
            &known,
        )
        .await;
        let (group, subject_teacher) = {
            let groups = db
                .ids(&format!(
                    "SELECT sg.id FROM subject_groups sg \
                     JOIN subject_group_teachers t ON t.subject_group_id = sg.id \
                     WHERE sg.class_id = {class} AND sg.subgroup_id IS NULL \
                     AND t.teacher_account_id <> {class_teacher} ORDER BY 1"
                ))
                .await;
            let g = groups[0];
            let t = first_of(
                db,
                &format!(
                    "SELECT teacher_account_id FROM subject_group_teachers WHERE subject_group_id = {g}"
                ),
                &known,
            )
            .await;
            (g, t)
        };
        let other_teacher = first_of(
            db,
            &format!(
                "SELECT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE a.organization_id = {school} AND r.role = 'teacher' \
                 AND a.id NOT IN (SELECT t.teacher_account_id FROM subject_group_teachers t \
                 JOIN subject_groups sg ON sg.id = t.subject_group_id WHERE sg.class_id = {class}) \
                 AND a.id NOT IN (SELECT teacher_account_id FROM class_teachers) \
                 AND a.id NOT IN (SELECT account_id FROM account_roles WHERE role IN \
                 ('administrator', 'deputy_head')) ORDER BY 1"
            ),
            &known,
        )
        .await;
        let deputy = one(
            db,
            &format!(
                "SELECT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE a.organization_id = {school} AND r.role = 'deputy_head' ORDER BY 1"
            ),
        )
        .await;
        let authority = one(
            db,
            &format!("SELECT authority_id FROM organizations WHERE id = {school}"),
        )
        .await;
        let officer = first_of(
            db,
            &format!(
                "SELECT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE a.organization_id = {authority} AND r.role = 'authority_officer'"
            ),
            &known,
        )
        .await;
        let other_officer = first_of(
            db,
            &format!(
                "SELECT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 JOIN organizations o ON o.id = a.organization_id \
                 WHERE r.role = 'authority_officer' AND a.organization_id <> {authority} \
                 AND o.kind = 'municipal_authority'"
            ),
            &known,
        )
        .await;
        let region_admin = first_of(
            db,
            "SELECT account_id FROM account_roles WHERE role = 'region_administrator'",
            &known,
        )
        .await;
        let other_school = other_admin.organization_id;
        let admin_id = self.world.id_of(&admin).await;
        let other_admin_id = self.world.id_of(&other_admin).await;
        let people = [
            (Kind::Student, student),
            (Kind::Classmate, classmate),
            (Kind::Parent, parent),
            (Kind::OtherParent, other_parent),
            (Kind::SubjectTeacher, subject_teacher),
            (Kind::OtherTeacher, other_teacher),
            (Kind::ClassTeacher, class_teacher),
            (Kind::Administrator, admin_id),
            (Kind::DeputyHead, deputy),
            (Kind::OtherAdministrator, other_admin_id),
            (Kind::Officer, officer),
            (Kind::OtherOfficer, other_officer),
            (Kind::RegionAdministrator, region_admin),
        ];
        self.actors.push(Actor {
            kind: Kind::Anonymous,
            id: 0,
            cookie: String::new(),
            at: String::new(),
            bearer: String::new(),
        });
        for (kind, id) in people {
            let account = match known.get(&id) {
                Some(a) => a.clone(),
                None => self.with_password(id).await,
            };
            let at = self.world.token(&account).await;
            let cookie = self.world.cookie_for_token(&at);
            let bearer = self
                .world
                .api_token(&account, &sgo_core::api_scope::ApiScope::ALL)
                .await;
            self.actors.push(Actor {
                kind,
                id,
                cookie,
                at,
                bearer,
            });
        }
        let db = &self.world.db;
        let ids = &mut self.ids;
        ids.school = school;
        ids.other_school = other_school;
        ids.third_school = one(
            db,
            &format!(
                "SELECT id FROM organizations WHERE kind = 'general' \
                 AND id NOT IN ({school}, {other_school}) ORDER BY id"
            ),
        )
        .await;
        ids.student = student;
        ids.class = class;
        ids.group = group;
        ids.other_class = one(
            db,
            &format!(
                "SELECT id FROM classes WHERE organization_id = {school} AND id <> {class} \
                 ORDER BY grade DESC, id DESC"
            ),
        )
        .await;
        ids.other_group = one(
            db,
            &format!(
                "SELECT id FROM subject_groups WHERE class_id = {} ORDER BY id DESC",
                ids.other_class
            ),
        )
        .await;
        ids.subgroup = db
            .ids(&format!(
                "SELECT id FROM subgroups WHERE class_id = {} ORDER BY id",
                ids.other_class
            ))
            .await
            .first()
            .copied()
            .unwrap_or(999_999);
        ids.assignment = one(
            db,
            &format!(
                "SELECT a.id FROM assignments a JOIN lessons l ON l.id = a.lesson_id \
                 WHERE l.subject_group_id = {group} ORDER BY a.id"
            ),
        )
        .await;
        ids.lesson = one(
            db,
            &format!(
                "SELECT lesson_id FROM assignments WHERE id = {}",
                ids.assignment
            ),
        )
        .await;
        ids.year = one(
            db,
            &format!("SELECT academic_year_id FROM classes WHERE id = {class}"),
        )
        .await;
        ids.subject = one(
            db,
            &format!(
                "SELECT subject_id FROM subject_groups WHERE id = {}",
                ids.other_group
            ),
        )
        .await;
        ids.settlement = one(
            db,
            &format!("SELECT settlement_id FROM organizations WHERE id = {school}"),
        )
        .await;
        ids.municipality = one(
            db,
            &format!(
                "SELECT municipality_id FROM settlements WHERE id = {}",
                ids.settlement
            ),
        )
        .await;
        ids.assignment_type = one(
            db,
            &format!(
                "SELECT id FROM assignment_types WHERE organization_id = {school} ORDER BY id"
            ),
        )
        .await;
        // A session of someone who is none of the actors: ending it must be refused to all.
        ids.session = {
            let other = self
                .world
                .accounts
                .iter()
                .find(|a| a.role == Role::Teacher && a.organization_id == other_school)
                .unwrap()
                .clone();
            self.world.token(&other).await;
            one(&self.world.db, "SELECT id FROM sessions ORDER BY id DESC").await
        };
    }

    /// Things that exist only once someone made them: an announcement with a file (by the
    /// administrator, for everyone) and a message from the parent to the class teacher.
    pub async fn make_things(&mut self) {
        let admin = self.actor(Kind::Administrator).cookie.clone();
        let made = self
            .world
            .post_multipart(
                &admin,
                "/announcements",
                &[
                    ("title", "Собрание"),
                    ("body", "Всем"),
                    ("audience", "all"),
                    ("expires_on", ""),
                ],
                &[("files", "plan.txt", b"plan")],
            )
            .await;
        assert_eq!(made.status.as_u16(), 303, "{}", made.text());
        let teacher = self.actor(Kind::ClassTeacher).id.to_string();
        let parent = self.actor(Kind::Parent).cookie.clone();
        let sent = self
            .world
            .post_multipart(
                &parent,
                "/mail/compose",
                &[
                    ("to", &teacher),
                    ("subject", "Вопрос"),
                    ("text", "Здравствуйте"),
                ],
                &[],
            )
            .await;
        assert_eq!(sent.status.as_u16(), 303, "{}", sent.text());
        let db = &self.world.db;
        self.ids.announcement = one(db, "SELECT id FROM announcements ORDER BY id DESC").await;
        self.ids.file = one(db, "SELECT id FROM files ORDER BY id DESC").await;
        self.ids.message = one(db, "SELECT id FROM mail_messages ORDER BY id DESC").await;
    }

    /// The actor of a kind.
    pub fn actor(&self, kind: Kind) -> &Actor {
        self.actors.iter().find(|a| a.kind == kind).unwrap()
    }
}
