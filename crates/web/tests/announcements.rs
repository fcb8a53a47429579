//! Announcements and resources through HTTP on both engines: audiences, expiry, sanitising,
//! files, the NetSchool `announcements` call, resource visibility, policy and CSRF.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use chrono::Duration;
use sgo_app::{Engine, Role};
use sgo_store::{AnnouncementRecord, NewAnnouncement};
use sgo_testkit::both_engines;
use sgo_testkit::{World, today, world};

/// A student's class today.
async fn class_of(w: &World, student: i64) -> i64 {
    w.store()
        .student(student, today())
        .await
        .unwrap()
        .unwrap()
        .class_id
        .unwrap()
}

/// People of one school around two classes: a parent with a child in class A, that child,
/// and a student of another class B.
struct Cast {
    org: i64,
    class_a: i64,
    parent: Account,
    student_a: Account,
    student_b: Account,
}

/// A signed-in demo account: its id, page cookie and API token.
struct Account {
    id: i64,
    cookie: String,
    at: String,
}

async fn account(w: &World, a: &sgo_demo::DemoAccount) -> Account {
    Account {
        id: w.id_of(a).await,
        cookie: w.cookie(a).await,
        at: w.token(a).await,
    }
}

async fn cast(w: &World) -> Cast {
    let org = w.admin().organization_id;
    for p in w.all(Role::Parent, org) {
        let pid = w.id_of(&p).await;
        let children = w.store().children(pid, today()).await.unwrap();
        let Some(child) = children.iter().find(|c| c.class_id.is_some()) else {
            continue;
        };
        let class_a = child.class_id.unwrap();
        let mut a = None;
        let mut b = None;
        for s in w.all(Role::Student, org) {
            let id = w.id_of(&s).await;
            let class = class_of(w, id).await;
            if class == class_a && id == child.account_id {
                a = Some(s);
            } else if class != class_a && b.is_none() {
                b = Some(s);
            }
        }
        if let (Some(a), Some(b)) = (a, b) {
            return Cast {
                org,
                class_a,
                parent: account(w, &p).await,
                student_a: account(w, &a).await,
                student_b: account(w, &b).await,
            };
        }
    }
    panic!("no parent with a child who has a demo password");
}

/// A multipart form without the CSRF field is refused.
async fn refused_without_csrf(w: &World, cookie: &str, uri: &str) {
    let res = w
        .post_multipart_raw(cookie, uri, &[("title", "Без токена")], &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

const PAYLOAD: &str = "<p>Собрание в 18:00</p><script>window.__xss = 1</script>\
    <img src=\"x\" onerror=\"window.__xss = 2\"><a href=\"javascript:window.__xss=3\">программа</a>";

/// One school's cast, its teacher and administrator signed in, and class A's id as the forms
/// send it.
struct Scene {
    w: World,
    c: Cast,
    teacher: Account,
    admin: Account,
    class_a: String,
}

async fn scene(engine: Engine) -> Scene {
    let w = world(engine, 1).await;
    let c = cast(&w).await;
    let teacher_demo = w.first(Role::Teacher, c.org);
    let teacher = account(&w, &teacher_demo).await;
    let admin = account(&w, &w.admin()).await;
    let class_a = c.class_a.to_string();
    Scene {
        w,
        c,
        teacher,
        admin,
        class_a,
    }
}

/// The teacher's announcement to class A with `plan.txt`, as stored, and the file's id.
async fn class_a_announcement(sc: &Scene) -> (AnnouncementRecord, i64) {
    let Scene {
        w,
        c,
        teacher,
        class_a,
        ..
    } = sc;
    // A teacher writes to class A with a file; the body is sanitised on save.
    let res = w
        .post_multipart(
            &teacher.cookie,
            "/announcements",
            &[
                ("title", "Собрание класса"),
                ("body", PAYLOAD),
                ("audience", "classes"),
                ("classes", class_a),
                ("expires_on", ""),
            ],
            &[("files", "plan.txt", "План собрания".as_bytes())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let stored = w.store().announcements(c.org, None).await.unwrap();
    let saved = stored
        .iter()
        .find(|a| a.title == "Собрание класса")
        .unwrap();
    assert!(saved.body.contains("Собрание в 18:00"), "{}", saved.body);
    assert!(saved.body.contains("программа"), "{}", saved.body);
    for bad in ["<script", "__xss", "onerror", "javascript:"] {
        assert!(!saved.body.contains(bad), "{bad} kept in {}", saved.body);
    }

    let file_id = w
        .store()
        .files_of("announcement", &[saved.id])
        .await
        .unwrap()[0]
        .id;
    (saved.clone(), file_id)
}

async fn a_class_announcement_is_sanitised_on_save(engine: Engine) {
    class_a_announcement(&scene(engine).await).await;
}

async fn a_class_announcement_reaches_the_class_and_its_parents_only(engine: Engine) {
    let sc = scene(engine).await;
    class_a_announcement(&sc).await;
    let Scene { w, c, .. } = &sc;
    // The parent of a class-A child and the child see it; a student of class B does not.
    let page = w.get(&c.parent.cookie, "/announcements").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Собрание класса"));
    assert!(page.text().contains("Собрание в 18:00"));
    assert!(!page.text().contains("<script>window"));
    assert!(
        w.get(&c.student_a.cookie, "/announcements")
            .await
            .text()
            .contains("Собрание класса")
    );
    assert!(
        !w.get(&c.student_b.cookie, "/announcements")
            .await
            .text()
            .contains("Собрание класса")
    );
}

async fn the_netschool_announcements_call_is_shaped_per_the_spec(engine: Engine) {
    let sc = scene(engine).await;
    let (saved, _) = class_a_announcement(&sc).await;
    let Scene { w, c, teacher, .. } = &sc;
    // The NetSchool call, shaped per §3.17.
    let api = w.api_get(&c.parent.at, "announcements?take=-1").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let list = api.json();
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Собрание класса")
        .unwrap()
        .clone();
    assert!(item["id"].is_i64());
    assert_eq!(item["description"].as_str().unwrap(), saved.body);
    let post_date = item["postDate"].as_str().unwrap();
    assert_eq!(post_date.len(), 19, "{post_date}");
    assert!(chrono::NaiveDateTime::parse_from_str(post_date, "%Y-%m-%dT%H:%M:%S").is_ok());
    assert!(item["deleteDate"].is_null());
    assert_eq!(item["author"]["id"], teacher.id);
    assert!(!item["author"]["fio"].as_str().unwrap().is_empty());
    assert!(item["author"]["nickName"].as_str().unwrap().contains('.'));
    let file = &item["attachments"][0];
    assert_eq!(file["name"], "plan.txt");
    assert_eq!(file["originalFileName"], "plan.txt");
    assert!(file.as_object().unwrap().contains_key("description"));
    assert!(item.as_object().unwrap().contains_key("em"));
    assert!(item.as_object().unwrap().contains_key("recipientInfo"));
    let file_id = file["id"].as_i64().unwrap();
    let other = w
        .api_get(&c.student_b.at, "announcements?take=-1")
        .await
        .json();
    assert!(
        other
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["name"] != "Собрание класса")
    );

    assert_eq!(file_id, class_a_announcement_file(w, saved.id).await);
}

/// The id of the one file of an announcement.
async fn class_a_announcement_file(w: &World, id: i64) -> i64 {
    w.store().files_of("announcement", &[id]).await.unwrap()[0].id
}

async fn an_announcement_file_is_for_its_class_only(engine: Engine) {
    let sc = scene(engine).await;
    let (_, file_id) = class_a_announcement(&sc).await;
    let Scene { w, c, .. } = &sc;
    // Its file: for the class, not for another class.
    let got = w
        .get(&c.student_a.cookie, &format!("/files/{file_id}"))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, "План собрания".as_bytes());
    assert_eq!(
        w.get(&c.parent.cookie, &format!("/files/{file_id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&c.student_b.cookie, &format!("/files/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&c.student_b.at, &format!("attachments/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// The administration's announcement to parents.
async fn announce_to_parents(sc: &Scene) {
    let Scene { w, admin, .. } = sc;
    let res = w
        .post_multipart(
            &admin.cookie,
            "/announcements",
            &[
                ("title", "Родителям"),
                ("body", "<b>Оплата питания</b>"),
                ("audience", "roles"),
                ("roles", "parent"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
}

/// The administration's announcement to all, shown until today.
async fn announce_until_today(sc: &Scene) {
    let Scene { w, admin, .. } = sc;
    let today_text = today().format("%Y-%m-%d").to_string();
    let res = w
        .post_multipart(
            &admin.cookie,
            "/announcements",
            &[
                ("title", "Всем до сегодня"),
                ("body", "Текст"),
                ("audience", "all"),
                ("expires_on", &today_text),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
}

async fn an_announcement_to_a_role_reaches_that_role_only(engine: Engine) {
    let sc = scene(engine).await;
    let Scene { w, c, teacher, .. } = &sc;
    // Addressed to a role: parents see it, students and teachers do not.
    announce_to_parents(&sc).await;
    assert!(
        w.get(&c.parent.cookie, "/announcements")
            .await
            .text()
            .contains("Родителям")
    );
    assert!(
        !w.get(&c.student_a.cookie, "/announcements")
            .await
            .text()
            .contains("Родителям")
    );
    assert!(
        !w.get(&teacher.cookie, "/announcements")
            .await
            .text()
            .contains("Родителям")
    );
}

async fn an_announcement_is_shown_through_its_last_day_only(engine: Engine) {
    let sc = scene(engine).await;
    let Scene { w, c, admin, .. } = &sc;
    // Expiry: the last day is still shown; a past day is refused in the form; an expired one
    // disappears for readers but stays on the administration's page.
    announce_until_today(&sc).await;
    assert!(
        w.get(&c.student_b.cookie, "/announcements")
            .await
            .text()
            .contains("Всем до сегодня")
    );
    let yesterday = (today() - Duration::days(1)).format("%Y-%m-%d").to_string();
    let res = w
        .post_multipart(
            &admin.cookie,
            "/announcements",
            &[
                ("title", "Вчерашнее"),
                ("body", "Текст"),
                ("audience", "all"),
                ("expires_on", &yesterday),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("Дата окончания показа уже прошла"));
    w.store()
        .insert_announcement(&NewAnnouncement {
            organization_id: c.org,
            author_account_id: admin.id,
            title: "Истёкшее".into(),
            body: "<p>Старое</p>".into(),
            audience: "all".into(),
            roles: vec![],
            class_ids: vec![],
            expires_on: Some(today() - Duration::days(1)),
            at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    assert!(
        !w.get(&c.student_b.cookie, "/announcements")
            .await
            .text()
            .contains("Истёкшее")
    );
    let api = w
        .api_get(&c.student_b.at, "announcements?take=-1")
        .await
        .json();
    assert!(
        api.as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "Всем до сегодня")
    );
    assert!(
        api.as_array()
            .unwrap()
            .iter()
            .all(|a| a["name"] != "Истёкшее")
    );
    let admin_page = w.get(&admin.cookie, "/announcements").await.text();
    assert!(admin_page.contains("Истёкшее") && admin_page.contains("срок показа истёк"));
}

async fn the_staff_home_page_shows_the_newest_first(engine: Engine) {
    let sc = scene(engine).await;
    announce_to_parents(&sc).await;
    announce_until_today(&sc).await;
    let Scene { w, admin, .. } = &sc;
    // Newest first on the staff home page.
    let home = w.get(&admin.cookie, "/home").await.text();
    let (newest, older) = (
        home.find("Всем до сегодня").unwrap(),
        home.find("Родителям").unwrap(),
    );
    assert!(newest < older);
}

async fn announcement_form_errors_are_shown_next_to_the_fields(engine: Engine) {
    let Scene { w, teacher, .. } = &scene(engine).await;
    // Form errors are shown next to the fields.
    let res = w
        .post_multipart(
            &teacher.cookie,
            "/announcements",
            &[("title", " "), ("body", ""), ("audience", "classes")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("Укажите заголовок"));
    assert!(res.text().contains("Выберите хотя бы один класс"));
}

async fn a_parent_cannot_publish_and_a_form_without_its_token_is_refused(engine: Engine) {
    let Scene { w, c, teacher, .. } = &scene(engine).await;
    // Policy: a parent cannot publish; no CSRF token, no announcement.
    let res = w
        .post_multipart(
            &c.parent.cookie,
            "/announcements",
            &[("title", "От родителя"), ("body", "x"), ("audience", "all")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&c.parent.cookie, "/announcements/new").await.status,
        StatusCode::FORBIDDEN
    );
    refused_without_csrf(w, &teacher.cookie, "/announcements").await;
    let titles: Vec<String> = w
        .store()
        .announcements(c.org, None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert!(
        !titles
            .iter()
            .any(|t| t == "От родителя" || t == "Без токена")
    );
}

async fn the_author_edits_a_reader_may_not_and_the_administration_deletes_with_the_file(
    engine: Engine,
) {
    let sc = scene(engine).await;
    let (saved, file_id) = class_a_announcement(&sc).await;
    let Scene {
        w,
        c,
        teacher,
        admin,
        class_a,
    } = &sc;
    // Editing: the author may; a reader may not; the administration deletes, with the file.
    let id = saved.id;
    let res = w
        .post_multipart(
            &teacher.cookie,
            &format!("/announcements/{id}"),
            &[
                ("title", "Собрание перенесено"),
                ("body", "<p>На 19:00</p>"),
                ("audience", "classes"),
                ("classes", class_a),
                ("remove_files", &file_id.to_string()),
            ],
            &[("files", "new-plan.txt", "Новый план".as_bytes())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert!(
        w.get(&c.parent.cookie, "/announcements")
            .await
            .text()
            .contains("Собрание перенесено")
    );
    // The removed file is gone; the new one replaces it.
    assert_eq!(
        w.get(&c.student_a.cookie, &format!("/files/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let files = w.store().files_of("announcement", &[id]).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "new-plan.txt");
    let file_id = files[0].id;
    assert_eq!(
        w.get(&c.student_a.cookie, &format!("/files/{file_id}"))
            .await
            .status,
        StatusCode::OK
    );
    let res = w
        .post_multipart(
            &c.parent.cookie,
            &format!("/announcements/{id}"),
            &[("title", "Взлом"), ("body", "x"), ("audience", "all")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = w
        .post(
            &c.student_b.cookie,
            &format!("/announcements/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .post_raw(&admin.cookie, &format!("/announcements/{id}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = w
        .post(&admin.cookie, &format!("/announcements/{id}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !w.get(&c.parent.cookie, "/announcements")
            .await
            .text()
            .contains("Собрание перенесено")
    );
    assert_eq!(
        w.get(&c.student_a.cookie, &format!("/files/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn resources(engine: Engine) {
    let w = world(engine, 1).await;
    let c = cast(&w).await;
    // A teacher who teaches a group of class A.
    let mut found = None;
    for t in w.all(Role::Teacher, c.org) {
        let id = w.id_of(&t).await;
        let groups = w
            .store()
            .group_choices(c.org, today(), Some(id))
            .await
            .unwrap();
        if let Some(g) = groups.iter().find(|g| g.class_id == c.class_a) {
            found = Some((t, g.id, groups));
            break;
        }
    }
    let (teacher_demo, group, mine) = found.expect("a teacher of class A");
    let teacher = account(&w, &teacher_demo).await;
    let target = format!("group:{group}");

    let res = w
        .post_multipart(
            &teacher.cookie,
            "/resources",
            &[
                ("target", &target),
                ("title", "Задачник"),
                ("description", "Решать по порядку"),
                ("link", "https://example.ru/book"),
            ],
            &[("files", "tasks.txt", b"1 + 1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let page = w.get(&c.student_a.cookie, "/resources").await.text();
    assert!(page.contains("Задачник") && page.contains("href=\"https://example.ru/book\""));
    assert!(
        w.get(&c.parent.cookie, "/resources")
            .await
            .text()
            .contains("Задачник")
    );
    assert!(
        !w.get(&c.student_b.cookie, "/resources")
            .await
            .text()
            .contains("Задачник")
    );
    let r = w
        .store()
        .resources(c.org)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.title == "Задачник")
        .unwrap();
    let file = w
        .store()
        .files_of("resource", &[r.id])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        w.get(&c.student_a.cookie, &format!("/files/{}", file.id))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&c.parent.cookie, &format!("/files/{}", file.id))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&c.student_b.cookie, &format!("/files/{}", file.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Only http(s) links.
    let res = w
        .post_multipart(
            &teacher.cookie,
            "/resources",
            &[
                ("target", &target),
                ("title", "Опасная"),
                ("link", "javascript:alert(1)"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("http:// или https://"));

    // Not for a group the teacher does not teach.
    let all = w.store().group_choices(c.org, today(), None).await.unwrap();
    let foreign = all
        .iter()
        .find(|g| !mine.iter().any(|m| m.id == g.id))
        .unwrap();
    let res = w
        .post_multipart(
            &teacher.cookie,
            "/resources",
            &[
                ("target", &format!("group:{}", foreign.id)),
                ("title", "Чужая"),
                ("link", "https://example.ru"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("только для своих групп"));

    // Families do not publish; no CSRF token, nothing saved; others cannot delete.
    let res = w
        .post_multipart(
            &c.parent.cookie,
            "/resources",
            &[
                ("target", &target),
                ("title", "От родителя"),
                ("link", "https://example.ru"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    refused_without_csrf(&w, &teacher.cookie, "/resources").await;
    let res = w
        .post(
            &c.student_a.cookie,
            &format!("/resources/{}/delete", r.id),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(w.store().resources(c.org).await.unwrap().len(), 1);
    let res = w
        .post(&teacher.cookie, &format!("/resources/{}/delete", r.id), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(w.store().resources(c.org).await.unwrap().is_empty());
}

both_engines!(
    a_class_announcement_is_sanitised_on_save,
    a_class_announcement_reaches_the_class_and_its_parents_only,
    the_netschool_announcements_call_is_shaped_per_the_spec,
    an_announcement_file_is_for_its_class_only,
    an_announcement_to_a_role_reaches_that_role_only,
    an_announcement_is_shown_through_its_last_day_only,
    the_staff_home_page_shows_the_newest_first,
    announcement_form_errors_are_shown_next_to_the_fields,
    a_parent_cannot_publish_and_a_form_without_its_token_is_refused,
    the_author_edits_a_reader_may_not_and_the_administration_deletes_with_the_file,
    resources
);
