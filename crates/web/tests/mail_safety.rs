//! What a reader is shown of mail and announcements, through HTTP on both engines: bodies reach
//! NetSchool clients (which render `text` and `description` as HTML) with nothing active in
//! them, and authors are named by the school's records, not by the name they chose themselves;
//! so are the rows of the journal and the actors of the audit log.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use serde_json::{Value, json};
use sgo_app::mail::RecipientGroup;
use sgo_app::{Actor, Engine, Role};
use sgo_demo::DemoAccount;
use sgo_store::{NewAnnouncement, NewMessage};
use sgo_testkit::both_engines;
use sgo_testkit::mailing::directory_key;
use sgo_testkit::{World, world};

/// The first teacher of the school and a parent they may write to.
async fn teacher_and_parent(w: &World) -> (DemoAccount, DemoAccount) {
    let org = w.admin().organization_id;
    let teacher = w.first(Role::Teacher, org);
    let id = w.id_of(&teacher).await;
    let actor = Actor::new(
        sgo_core::AccountId::new(id),
        sgo_core::OrganizationId::new(org),
        w.store().account_roles(id).await.unwrap(),
    );
    let dir = w.app.mail_directory(&actor).await.unwrap();
    let parent_id = dir
        .iter()
        .find(|c| c.group == RecipientGroup::Parents)
        .unwrap()
        .account_id;
    for a in w.all(Role::Parent, org) {
        if w.id_of(&a).await == parent_id {
            return (teacher, a);
        }
    }
    panic!("no demo parent {parent_id}");
}

/// The full name the school's records hold for an account.
async fn records_name(w: &World, id: i64) -> String {
    let a = w.store().account(id).await.unwrap().unwrap();
    [a.last_name, a.first_name, a.middle_name]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The newest message of the parent's inbox, through the API.
async fn newest_in_inbox(w: &World, at: &str) -> Value {
    let res = w
        .api_post(
            at,
            "mail/registry",
            json!({
                "filterContext": {"selectedData": [
                    {"filterId": "MailBox", "filterValue": "Inbox", "filterText": "Входящие"}],
                    "params": null},
                "fields": ["author", "subject", "sent"], "page": 1, "pageSize": 20,
                "search": null, "order": {"fieldId": "sent", "ascending": false}
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["rows"][0].clone()
}

/// The text of a message as a NetSchool client reads it, checked to hold nothing active.
async fn read_inert(w: &World, at: &str, id: i64) -> String {
    let text = w
        .api_get(at, &format!("mail/messages/{id}/read"))
        .await
        .json()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_inert(&text);
    text
}

/// No markup in it that would run a script or load anything from another site: escaped text
/// may say anything, the tags themselves are checked.
fn assert_inert(html: &str) {
    let mut tags = Vec::new();
    let mut tag: Option<String> = None;
    for c in html.chars() {
        match (&mut tag, c) {
            (None, '<') => tag = Some(String::new()),
            (Some(t), '>') => {
                tags.push(t.to_lowercase());
                tag = None;
            }
            (Some(t), c) => t.push(c),
            (None, _) => {}
        }
    }
    for t in &tags {
        for active in ["script", "onerror", "iframe", "javascript:", "evil.example"] {
            assert!(!t.contains(active), "<{t}> in {html}");
        }
    }
}

const PLAIN: &str = "Здравствуйте!\n<img src=x onerror=alert(1)><script>alert(2)</script> & «ок»";
const PLAIN_AS_HTML: &str = "Здравствуйте!<br>&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; «ок»";

async fn plain_text_reaches_clients_escaped(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, parent) = teacher_and_parent(&w).await;
    let (t_cookie, p_at) = (w.cookie(&teacher).await, w.token(&parent).await);
    let parent_id = w.id_of(&parent).await.to_string();

    // Written on the page without the HTML option: plain text.
    let sent = w
        .post(
            &t_cookie,
            "/mail/compose",
            &[("to", &parent_id), ("subject", "Текст"), ("text", PLAIN)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let id = newest_in_inbox(&w, &p_at).await["id"].as_i64().unwrap();
    let read = w.api_get(&p_at, &format!("mail/messages/{id}/read")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["text"], PLAIN_AS_HTML);
    for action in ["reply", "replyAll", "forward"] {
        let draft = w
            .api_get(&p_at, &format!("mail/messages/{id}/edit?action={action}"))
            .await;
        assert_eq!(draft.status, StatusCode::OK, "{action}");
        let text = draft.json()["text"].as_str().unwrap().to_owned();
        assert_inert(&text);
        assert!(
            text.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
            "{text}"
        );
    }
    // The page shows the same text as text.
    let page = w
        .get(&w.cookie(&parent).await, &format!("/mail/{id}"))
        .await;
    let page = page.text();
    assert!(
        page.contains("alert(2)") && !page.contains("<script>alert(2)"),
        "{page}"
    );

    // HTML written with the option: sanitised, and an escaped tag in it does not come back
    // to life when the reply quotes the text (the quote decodes entities).
    let html = "<p>&lt;script&gt;alert(3)&lt;/script&gt; <a href=\"//evil.example/x\">план</a>\
        <img src=\"/\\evil.example/t.png\"></p>";
    let sent = w
        .post(
            &t_cookie,
            "/mail/compose",
            &[
                ("to", &parent_id),
                ("subject", "Разметка"),
                ("text", html),
                ("is_html", "1"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let id = newest_in_inbox(&w, &p_at).await["id"].as_i64().unwrap();
    let text = read_inert(&w, &p_at, id).await;
    assert!(text.contains("план"), "{text}");
    let draft = w
        .api_get(&p_at, &format!("mail/messages/{id}/edit?action=reply"))
        .await
        .json();
    assert_inert(draft["text"].as_str().unwrap());

    // A body stored before today's sanitiser (or by any other way in) is held to it as read.
    let org = teacher.organization_id;
    let teacher_id = w.id_of(&teacher).await;
    let parent_id: i64 = parent_id.parse().unwrap();
    let old = w
        .store()
        .create_message(&NewMessage {
            organization_id: org,
            author: teacher_id,
            subject: "Старое".into(),
            body: "<p>Старое</p><script>alert(4)</script><a href=\"//evil.example/\">x</a>".into(),
            is_html: true,
            at: chrono::Utc::now(),
            draft: false,
            reply_to: None,
            recipients: vec![(parent_id, "to".into())],
            subject_norm: "старое".into(),
            author_norm: String::new(),
            to_norm: String::new(),
            deliveries: vec![],
        })
        .await
        .unwrap();
    let text = read_inert(&w, &p_at, old).await;
    assert!(text.contains("<p>Старое</p>"), "{text}");
    let page = w
        .get(&w.cookie(&parent).await, &format!("/mail/{old}"))
        .await;
    assert!(!page.text().contains("evil.example"));
    assert!(!page.text().contains("alert(4)"));

    // Announcements: sanitised on save, and again as they are read.
    let posted = w
        .post_multipart(
            &t_cookie,
            "/announcements",
            &[
                ("title", "Ссылка"),
                (
                    "body",
                    "<p>Программа: <a href=\"//evil.example/p\">тут</a></p>",
                ),
                ("audience", "all"),
            ],
            &[],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.text());
    w.store()
        .insert_announcement(&NewAnnouncement {
            organization_id: org,
            author_account_id: teacher_id,
            title: "Старое объявление".into(),
            body: "<p>Старое</p><img src=x onerror=alert(5)><a href=\"//evil.example/\">x</a>"
                .into(),
            audience: "all".into(),
            roles: vec![],
            class_ids: vec![],
            expires_on: None,
            at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    let list = w.api_get(&p_at, "announcements?take=-1").await.json();
    let list = list.as_array().unwrap();
    for title in ["Ссылка", "Старое объявление"] {
        let a = list.iter().find(|a| a["name"] == title).unwrap();
        assert_inert(a["description"].as_str().unwrap());
    }
    let page = w.get(&w.cookie(&parent).await, "/announcements").await;
    assert!(!page.text().contains("evil.example"));
    assert!(!page.text().contains("alert(5)"));
}

/// The teacher takes the director's name as their «Имя на экране».
async fn take_a_name(w: &World, cookie: &str, name: &str) {
    let saved = w
        .post(
            cookie,
            "/settings",
            &[
                ("display_name", name),
                ("email", ""),
                ("phone", ""),
                ("preferred_channel", "system"),
                ("signature_cert_url", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
}

async fn authors_are_named_by_the_records(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, parent) = teacher_and_parent(&w).await;
    let (t_cookie, t_at) = (w.cookie(&teacher).await, w.token(&teacher).await);
    let (p_cookie, p_at) = (w.cookie(&parent).await, w.token(&parent).await);
    let teacher_id = w.id_of(&teacher).await;
    let parent_id = w.id_of(&parent).await;
    let admin = w.admin();
    let real = records_name(&w, teacher_id).await;
    let director = records_name(&w, w.id_of(&admin).await).await;
    assert_ne!(real, director);
    take_a_name(&w, &t_cookie, &director).await;

    let sent = w
        .api_post(
            &t_at,
            "mail/messages",
            json!({"subject": "Срочно", "text": "Зайдите ко мне", "to": [directory_key(parent_id)],
                   "cc": [], "bcc": [], "notify": false, "draft": false}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let id = sent.json()["messageId"].as_i64().unwrap();

    // The NetSchool API: every author name is the records' one.
    let row = newest_in_inbox(&w, &p_at).await;
    assert_eq!(row["id"], id);
    assert_eq!(row["author"], real);
    let read = w
        .api_get(&p_at, &format!("mail/messages/{id}/read"))
        .await
        .json();
    assert_eq!(read["author"], json!({"id": teacher_id, "name": real}));
    let draft = w
        .api_get(&p_at, &format!("mail/messages/{id}/edit?action=reply"))
        .await
        .json();
    assert_eq!(draft["to"][0]["name"], real);
    assert!(!draft["text"].as_str().unwrap().contains(&director));

    // The pages: the records' name, role and school; the chosen name only beside it.
    let shown = format!("<span class=\"author-name\">{real}</span>");
    let about = format!("(Учитель, {})", teacher.organization_short_name);
    let beside = format!("имя на экране «{director}»");
    for uri in ["/mail".to_owned(), format!("/mail/{id}")] {
        let page = w.get(&p_cookie, &uri).await.text();
        assert!(page.contains(&shown), "{uri}: {page}");
        assert!(page.contains(&about), "{uri}: {page}");
        assert!(page.contains(&beside), "{uri}: {page}");
        assert!(
            !page.contains(&format!("<span class=\"author-name\">{director}")),
            "{uri}"
        );
    }

    // Announcements: the page, the home page and the API.
    let posted = w
        .post_multipart(
            &t_cookie,
            "/announcements",
            &[
                ("title", "Приказ"),
                ("body", "<p>С завтрашнего дня</p>"),
                ("audience", "all"),
            ],
            &[],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.text());
    let page = w.get(&p_cookie, "/announcements").await.text();
    assert!(page.contains(&shown) && page.contains(&about), "{page}");
    assert!(page.contains(&beside), "{page}");
    let home = w.get(&p_cookie, "/home").await.text();
    assert!(home.contains("Приказ"), "{home}");
    assert!(home.contains(&format!("— {real} (")), "{home}");
    let list = w.api_get(&p_at, "announcements?take=-1").await.json();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Приказ")
        .unwrap()
        .clone();
    assert_eq!(a["author"]["fio"], real);
    assert!(
        !a["author"]["nickName"]
            .as_str()
            .unwrap()
            .contains(&director)
    );
}

/// The demo account behind an account id.
async fn account(w: &World, role: Role, org: i64, id: i64) -> DemoAccount {
    for a in w.all(role, org) {
        if w.id_of(&a).await == id {
            return a;
        }
    }
    panic!("no {role:?} with id {id}");
}

/// A student who takes a classmate's name keeps their own in the teacher's journal (a row under
/// the classmate's name would take the classmate's marks), and a teacher who takes the
/// director's name is named by the records in the audit log.
async fn chosen_names_label_no_journal_row_or_log_entry(engine: Engine) {
    let w = world(engine, 1).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let group =
        w.db.ids("SELECT id FROM subject_groups WHERE subgroup_id IS NULL ORDER BY id LIMIT 1")
            .await[0];
    let teacher_id = w
        .db
        .ids(&format!(
            "SELECT teacher_account_id FROM subject_group_teachers WHERE subject_group_id = {group} \
             ORDER BY teacher_account_id LIMIT 1"
        ))
        .await[0];
    let students = w
        .db
        .ids(&format!(
            "SELECT cs.student_account_id FROM class_students cs JOIN subject_groups sg \
             ON sg.class_id = cs.class_id WHERE sg.id = {group} ORDER BY cs.student_account_id LIMIT 2"
        ))
        .await;
    let teacher = account(&w, Role::Teacher, org, teacher_id).await;
    let pretender = account(&w, Role::Student, org, students[0]).await;
    let short = |id: i64| {
        let w = &w;
        async move {
            let a = w.store().account(id).await.unwrap().unwrap();
            format!("{} {}", a.last_name, a.first_name)
        }
    };
    let (own, classmate) = (short(students[0]).await, short(students[1]).await);
    let t_cookie = w.cookie(&teacher).await;
    let uri = format!("/journal/group/{group}");
    let before = w.get(&t_cookie, &uri).await.text();
    assert!(
        before.contains(&own) && before.contains(&classmate),
        "{before}"
    );

    take_a_name(&w, &w.cookie(&pretender).await, &classmate).await;
    let after = w.get(&t_cookie, &uri).await.text();
    assert_eq!(
        after.matches(&classmate).count(),
        before.matches(&classmate).count()
    );
    assert_eq!(after.matches(&own).count(), before.matches(&own).count());

    let real = records_name(&w, teacher_id).await;
    let director = records_name(&w, w.id_of(&admin).await).await;
    take_a_name(&w, &t_cookie, &director).await;
    let log = w.get(&w.cookie(&admin).await, "/changes").await.text();
    let shown = |name: &str| format!("<td>{name} <span class=\"muted\">({})", teacher.login);
    assert!(log.contains(&shown(&real)), "{log}");
    assert!(!log.contains(&shown(&director)), "{log}");
}

both_engines!(
    plain_text_reaches_clients_escaped,
    authors_are_named_by_the_records,
    chosen_names_label_no_journal_row_or_log_entry
);
