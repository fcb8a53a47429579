//! Mail through the NetSchool API and the pages, on both engines: folders, read state, reply and
//! forward with attachments, search, the recipient policy, and delivery by preferred channel
//! (a real SMTP server process for e-mail, the print queue and its PDF for paper).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use sgo_testkit::mailing::{directory_key, pdf_text, set_email, world_with_smtp};

use axum::http::StatusCode;
use serde_json::{Value, json};
use sgo_app::mail::RecipientGroup;
use sgo_app::{Actor, Engine, Role, SmtpSettings, SmtpTls};
use sgo_demo::DemoAccount;
use sgo_testkit::smtp::SmtpServer;
use sgo_testkit::{World, today, world, world_with};

async fn actor(w: &World, a: &DemoAccount) -> Actor {
    let id = w.id_of(a).await;
    Actor::new(
        sgo_core::AccountId::new(id),
        sgo_core::OrganizationId::new(a.organization_id),
        w.store().account_roles(id).await.unwrap(),
    )
}

/// The demo account with this id.
async fn account_of(w: &World, id: i64) -> DemoAccount {
    for a in &w.accounts {
        if w.id_of(a).await == id {
            return a.clone();
        }
    }
    panic!("no demo account {id}");
}

/// The first teacher and two parents of families they teach.
async fn teacher_and_parents(w: &World) -> (DemoAccount, DemoAccount, DemoAccount) {
    let org = w.admin().organization_id;
    let teacher = w.first(Role::Teacher, org);
    let dir = w
        .app
        .mail_directory(&actor(w, &teacher).await)
        .await
        .unwrap();
    let parents: Vec<i64> = dir
        .iter()
        .filter(|c| c.group == RecipientGroup::Parents)
        .map(|c| c.account_id)
        .collect();
    assert!(parents.len() >= 2, "the teacher's directory has parents");
    (
        teacher,
        account_of(w, parents[0]).await,
        account_of(w, parents[1]).await,
    )
}

fn registry(folder: &str, search: Option<(&str, &str)>) -> Value {
    json!({
        "filterContext": {"selectedData": [
            {"filterId": "MailBox", "filterValue": folder, "filterText": folder},
            {"filterId": "MessageType", "filterValue": "All", "filterText": "Все"}],
            "params": null},
        "fields": ["author", "subject", "sent"], "page": 1, "pageSize": 20,
        "search": search.map(|(f, t)| json!({"fieldId": f, "text": t})),
        "order": {"fieldId": "sent", "ascending": false}
    })
}

async fn folder(w: &World, at: &str, name: &str) -> Vec<Value> {
    let res = w.api_post(at, "mail/registry", registry(name, None)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["rows"].as_array().unwrap().clone()
}

async fn api_flow(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, parent, other_parent) = teacher_and_parents(&w).await;
    let (t_at, p_at, o_at) = (
        w.token(&teacher).await,
        w.token(&parent).await,
        w.token(&other_parent).await,
    );
    let teacher_id = w.id_of(&teacher).await;
    let parent_id = w.id_of(&parent).await;

    // The parent's directory offers the teacher; the teacher's offers the parent.
    let mine = w
        .api_get(&p_at, "mail/recipients?funcType=2&orgType=1")
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        mine.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == directory_key(teacher_id))
    );
    let admins = w.api_get(&p_at, "mail/recipients?group=1").await.json();
    assert!(!admins.as_array().unwrap().is_empty());
    assert!(admins[0]["id"].is_string() && admins[0]["organizationName"].is_string());
    let parents = w.api_get(&t_at, "mail/recipients?group=6").await.json();
    assert!(
        parents
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == directory_key(parent_id))
    );

    // The teacher sends with an attachment uploaded first, as netschoolpy does.
    let guid = w
        .api_post_multipart(
            &t_at,
            "attachments",
            &[("description", "")],
            &[("file", "План.txt", "Задачи".as_bytes())],
        )
        .await
        .json()
        .as_str()
        .unwrap()
        .to_owned();
    let sent = w
        .api_post(
            &t_at,
            "mail/messages",
            json!({
            "subject": "Собрание в ЧЕТВЕРГ", "text": "Приходите к 18:00", "to": [directory_key(parent_id)],
            "cc": [], "bcc": [], "notify": false, "draft": false, "fileAttachmentGuids": [guid]}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let id = sent.json()["messageId"].as_i64().unwrap();

    let unread = w.api_get(&p_at, "mail/messages/unread").await.json();
    assert_eq!(unread, json!([id]));
    let inbox = folder(&w, &p_at, "Inbox").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["id"], id);
    assert_eq!(inbox[0]["subject"], "Собрание в ЧЕТВЕРГ");
    assert_eq!(inbox[0]["author"], teacher.display_name);
    assert!(inbox[0]["sent"].as_str().unwrap().starts_with("20"));
    assert_eq!(folder(&w, &t_at, "Sent").await.len(), 1);

    let read = w
        .api_get(
            &p_at,
            &format!("mail/messages/{id}/read?userId={parent_id}"),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let read = read.json();
    assert_eq!(read["text"], "Приходите к 18:00");
    assert_eq!(read["author"]["id"], teacher_id);
    assert_eq!(read["mailBox"], "Inbox");
    let file_id = read["fileAttachments"][0]["id"].as_i64().unwrap();
    assert_eq!(read["fileAttachments"][0]["name"], "План.txt");
    assert_eq!(
        w.api_get(&p_at, "mail/messages/unread").await.json(),
        json!([])
    );

    // The file is the recipient's to download, not another family's; nor is the message.
    let got = w.api_get(&p_at, &format!("attachments/{file_id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, "Задачи".as_bytes());
    assert_eq!(
        w.api_get(&o_at, &format!("attachments/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&o_at, &format!("mail/messages/{id}/read"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Read state goes back and forth.
    let marked = w
        .api_post(
            &p_at,
            "mail/messages/mark-as",
            json!({"messageId": [id], "read": false}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK);
    assert_eq!(
        w.api_get(&p_at, "mail/messages/unread").await.json(),
        json!([id])
    );

    // Reply goes back to the teacher; forward carries the file.
    let reply = w
        .api_get(&p_at, &format!("mail/messages/{id}/edit?action=reply"))
        .await
        .json();
    assert_eq!(reply["subject"], "Re: Собрание в ЧЕТВЕРГ");
    assert_eq!(reply["to"][0]["id"], directory_key(teacher_id));
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("&gt; Приходите к 18:00"),
        "the quote reaches clients as escaped HTML"
    );
    let answer = w
        .api_post(&p_at, "mail/messages", json!({"subject": reply["subject"], "text": "Придём",
            "to": [reply["to"][0]["id"]], "cc": [], "bcc": [], "notify": false, "draft": false, "fileAttachmentGuids": []}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let t_inbox = folder(&w, &t_at, "Inbox").await;
    assert_eq!(t_inbox[0]["subject"], "Re: Собрание в ЧЕТВЕРГ");
    let forward = w
        .api_get(&p_at, &format!("mail/messages/{id}/edit?action=forward"))
        .await
        .json();
    assert_eq!(forward["subject"], "Fwd: Собрание в ЧЕТВЕРГ");
    assert_eq!(forward["fileAttachments"][0]["name"], "План.txt");
    assert_eq!(forward["to"], json!([]));
    assert_eq!(
        w.api_get(&p_at, &format!("mail/messages/{id}/edit?action=dance"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    // Search is case-insensitive in Cyrillic, by subject, author or recipients.
    let found = w
        .api_post(
            &t_at,
            "mail/registry",
            registry("Sent", Some(("subject", "четверг"))),
        )
        .await
        .json();
    assert_eq!(found["totalItems"], 1);
    let none = w
        .api_post(
            &t_at,
            "mail/registry",
            registry("Sent", Some(("subject", "пятница"))),
        )
        .await
        .json();
    assert_eq!(none["totalItems"], 0);
    let surname = parent
        .display_name
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    let by_to = w
        .api_post(
            &t_at,
            "mail/registry",
            registry("Sent", Some(("toNames", &surname))),
        )
        .await
        .json();
    assert_eq!(by_to["totalItems"], 1, "{by_to}");

    // Deleted, restored, deleted for good only from Удалённые; the author keeps their copy.
    let ids = json!({"messageId": [id]});
    w.api_post(&p_at, "mail/messages/delete", ids.clone()).await;
    assert_eq!(
        folder(&w, &p_at, "Inbox").await.len(),
        1,
        "not deleted outside Удалённые"
    );
    w.api_post(&p_at, "mail/messages/moving", ids.clone()).await;
    assert!(folder(&w, &p_at, "Inbox").await.is_empty());
    assert_eq!(folder(&w, &p_at, "Deleted").await.len(), 1);
    w.api_post(&p_at, "mail/messages/restore", ids.clone())
        .await;
    assert_eq!(folder(&w, &p_at, "Inbox").await.len(), 1);
    w.api_post(&p_at, "mail/messages/moving", ids.clone()).await;
    w.api_post(&p_at, "mail/messages/delete", ids.clone()).await;
    assert!(folder(&w, &p_at, "Deleted").await.is_empty());
    assert_eq!(
        w.api_get(&p_at, &format!("mail/messages/{id}/read"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&p_at, &format!("attachments/{file_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(folder(&w, &t_at, "Sent").await.len(), 1);

    // A draft stays with its author.
    let draft = w
        .api_post(
            &t_at,
            "mail/messages",
            json!({"subject": "Черновик", "text": "…", "to": [], "draft": true}),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text());
    assert_eq!(folder(&w, &t_at, "Draft").await.len(), 1);
}

async fn recipient_policy(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let (_, parent, _) = teacher_and_parents(&w).await;
    let p_at = w.token(&parent).await;
    let me = actor(&w, &parent).await;
    let dir = w.app.mail_directory(&me).await.unwrap();
    assert!(dir.iter().all(|c| matches!(
        c.group,
        RecipientGroup::Administration
            | RecipientGroup::DeputyHeads
            | RecipientGroup::ClassTeachers
            | RecipientGroup::Teachers
    )));
    // Every other family is outside a parent's directory, whatever class it is in.
    for role in [Role::Parent, Role::Student] {
        for other in w.all(role, org) {
            let id = w.id_of(&other).await;
            if id == me.account_id.get() {
                continue;
            }
            let res = w
                .api_post(
                    &p_at,
                    "mail/messages",
                    json!({"subject": "Привет", "text": "…", "to": [directory_key(id)], "draft": false}),
                )
                .await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
            assert!(
                res.json()["message"]
                    .as_str()
                    .unwrap()
                    .contains("недоступен")
            );
        }
    }
    // Bad input is a 4xx, not a 500.
    let res = w
        .api_post(
            &p_at,
            "mail/messages",
            json!({"subject": "", "text": "", "to": []}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = w
        .api_post(
            &p_at,
            "mail/messages",
            json!({"subject": "a", "to": ["%%%"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = w
        .api_post(&p_at, "mail/messages/moving", json!({"nothing": 1}))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        w.api_get(&p_at, "mail/messages/abc/read").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        w.api_get(&p_at, "mail/recipients?group=99").await.status,
        StatusCode::BAD_REQUEST
    );
    let res = w.api_post(&p_at, "mail/registry", json!({"filterContext": {"selectedData": [{"filterId": "MailBox", "filterValue": "Spam"}]}})).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Students may write to classmates only when the school allows it.
    let student = w.first(Role::Student, org);
    let s = actor(&w, &student).await;
    let before = w.app.mail_directory(&s).await.unwrap();
    assert!(before.iter().all(|c| c.group != RecipientGroup::Classmates));
    w.store()
        .set_students_write_classmates(org, true)
        .await
        .unwrap();
    let after = w.app.mail_directory(&s).await.unwrap();
    assert!(after.iter().any(|c| c.group == RecipientGroup::Classmates));
}

async fn delivery_by_channel(engine: Engine) {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let w = world_with_smtp(engine, port).await;
    let (teacher, by_email, by_paper) = teacher_and_parents(&w).await;
    let (email_id, paper_id) = (w.id_of(&by_email).await, w.id_of(&by_paper).await);
    set_email(&w, email_id, "mama@example.ru", Some("email")).await;
    set_email(&w, paper_id, "", Some("paper")).await;

    let t_at = w.token(&teacher).await;
    let sent = w
        .api_post(&t_at, "mail/messages", json!({"subject": "Экскурсия в музей",
            "text": "Уважаемые родители!\nВ пятницу едем в музей.", "to": [directory_key(email_id), directory_key(paper_id)], "draft": false}))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let id = sent.json()["messageId"].as_i64().unwrap();

    // The worker's pass sends the e-mail; the SMTP server has it with the Cyrillic intact.
    assert_eq!(w.app.deliver_due_email().await.unwrap(), 1);
    assert_eq!(
        w.app.deliver_due_email().await.unwrap(),
        0,
        "sent once only"
    );
    let got = smtp.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "Экскурсия в музей");
    assert!(got[0].1.contains("В пятницу едем в музей."), "{}", got[0].1);
    assert!(got[0].2.contains("mama@example.ru"));
    let deliveries = w.store().deliveries_of(id).await.unwrap();
    assert!(
        deliveries
            .iter()
            .any(|d| d.channel == "email" && d.status == "sent")
    );

    // Both parents have it in the system inbox too.
    for a in [&by_email, &by_paper] {
        let at = w.token(a).await;
        let inbox = folder(&w, &at, "Inbox").await;
        assert_eq!(inbox[0]["subject"], "Экскурсия в музей");
    }

    // The paper letter waits in the class teacher's print queue.
    // A parent of several children gets the letter through one of their classes.
    let class = w
        .store()
        .letter_class_of(paper_id, today())
        .await
        .unwrap()
        .unwrap();
    let children = w.store().children(paper_id, today()).await.unwrap();
    let child = children.iter().find(|c| c.class_id == Some(class)).unwrap();
    let class_teachers = w
        .store()
        .class_teachers_of_student(child.account_id, today())
        .await
        .unwrap();
    let class_teacher = account_of(&w, class_teachers[0]).await;
    let cookie = w.cookie(&class_teacher).await;
    let page = w.get(&cookie, "/mail/print-queue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains(&by_paper.display_name),
        "{}",
        page.text()
    );
    assert!(page.text().contains("Экскурсия в музей"));
    let letters = w
        .app
        .paper_letters(&actor(&w, &class_teacher).await, "pending")
        .await
        .unwrap();
    assert_eq!(letters.len(), 1);
    let pdf = w.post(&cookie, "/mail/print-queue/pdf", &[]).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let text = pdf_text(&pdf.body);
    assert!(text.contains("В пятницу едем в музей."), "{text}");
    assert!(text.contains(&by_paper.display_name), "{text}");
    let letter_id = letters[0].id.to_string();
    let done = w
        .post(
            &cookie,
            "/mail/print-queue/printed",
            &[("letter", &letter_id)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert!(
        w.app
            .paper_letters(&actor(&w, &class_teacher).await, "pending")
            .await
            .unwrap()
            .is_empty()
    );
    // A parent has no print queue.
    let p_cookie = w.cookie(&by_email).await;
    assert_eq!(
        w.get(&p_cookie, "/mail/print-queue").await.status,
        StatusCode::FORBIDDEN
    );
}

/// With the SMTP server down the e-mail waits with its error and goes out once it is back.
async fn failures_are_kept_and_retried(engine: Engine) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = world_with(engine, 1, |s| {
        s.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: "sgo".into(),
            password: "секрет-не-для-логов".into(),
            from: "noreply@sgo.example.ru".into(),
        });
    })
    .await;
    let (teacher, parent, _) = teacher_and_parents(&w).await;
    let pid = w.id_of(&parent).await;
    set_email(&w, pid, "papa@example.ru", Some("email")).await;
    let t_at = w.token(&teacher).await;
    let id = w
        .api_post(
            &t_at,
            "mail/messages",
            json!({"subject": "Оценки", "text": "Текст", "to": [directory_key(pid)]}),
        )
        .await
        .json()["messageId"]
        .as_i64()
        .unwrap();
    assert_eq!(w.app.deliver_due_email().await.unwrap(), 0);
    let d = w.store().deliveries_of(id).await.unwrap();
    assert_eq!(d[0].status, "pending");
    assert_eq!(d[0].attempts, 1);
    assert!(!d[0].last_error.is_empty());
    assert!(!d[0].last_error.contains("секрет"));
    // Not due again until the back-off has passed.
    assert_eq!(w.app.deliver_due_email().await.unwrap(), 0);
    assert_eq!(w.store().deliveries_of(id).await.unwrap()[0].attempts, 1);
}

async fn pages(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, parent, _) = teacher_and_parents(&w).await;
    let parent_id = w.id_of(&parent).await;
    let t_cookie = w.cookie(&teacher).await;
    let p_cookie = w.cookie(&parent).await;

    let compose = w.get(&t_cookie, "/mail/compose").await;
    assert_eq!(compose.status, StatusCode::OK);
    assert!(compose.text().contains(&format!("value=\"{parent_id}\"")));

    // Without the CSRF field nothing is sent.
    let pid = parent_id.to_string();
    let refused = w
        .post_raw(
            &t_cookie,
            "/mail/compose",
            &[("to", &pid), ("subject", "x"), ("text", "y")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let sent = w
        .post_multipart(
            &t_cookie,
            "/mail/compose",
            &[
                ("to", &pid),
                ("subject", "Родительское собрание"),
                ("text", "<b>Важно</b><script>window.__x=1</script>"),
                ("is_html", "1"),
            ],
            &[("files", "Повестка.txt", "Пункты".as_bytes())],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());

    let inbox = w.get(&p_cookie, "/mail").await;
    assert_eq!(inbox.status, StatusCode::OK);
    let body = inbox.text();
    assert!(body.contains("Родительское собрание"));
    let id = w.app.unread_mail(&actor(&w, &parent).await).await.unwrap()[0];
    let header = w.get(&p_cookie, "/settings").await.text();
    assert!(header.contains("mail-unread"), "unread count in the header");

    let read = w.get(&p_cookie, &format!("/mail/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    let text = read.text();
    assert!(text.contains("<b>Важно</b>"), "{text}");
    assert!(!text.contains("window.__x"), "sanitised");
    assert!(text.contains("Повестка.txt"));

    // Reply from the page goes back to the teacher, forward keeps the file.
    let reply = w
        .get(&p_cookie, &format!("/mail/compose?reply={id}"))
        .await
        .text();
    assert!(reply.contains("Re: Родительское собрание"));
    let forward = w
        .get(&p_cookie, &format!("/mail/compose?forward={id}"))
        .await
        .text();
    assert!(forward.contains("Fwd: Родительское собрание") && forward.contains("Повестка.txt"));
    let tid = w.id_of(&teacher).await.to_string();
    let rid = id.to_string();
    let answered = w
        .post(
            &p_cookie,
            "/mail/compose",
            &[
                ("to", &tid),
                ("subject", "Re: Родительское собрание"),
                ("text", "Буду"),
                ("reply_to", &rid),
            ],
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "{}",
        answered.text()
    );
    assert!(
        w.get(&t_cookie, "/mail?folder=Inbox")
            .await
            .text()
            .contains("Re: Родительское собрание")
    );

    // Search and folders.
    assert!(
        w.get(
            &t_cookie,
            "/mail?folder=Sent&q=%D1%81%D0%BE%D0%B1%D1%80%D0%B0%D0%BD%D0%B8%D0%B5"
        )
        .await
        .text()
        .contains("Родительское собрание")
    );
    assert!(
        !w.get(&t_cookie, "/mail?folder=Sent&q=zzz")
            .await
            .text()
            .contains("Родительское собрание")
    );
    let moved = w
        .post(
            &p_cookie,
            "/mail/action",
            &[("message", &rid), ("action", "delete")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(
        w.get(&p_cookie, "/mail?folder=Deleted")
            .await
            .text()
            .contains("Родительское собрание")
    );
    assert!(
        !w.get(&p_cookie, "/mail?folder=Inbox")
            .await
            .text()
            .contains("Родительское собрание")
    );

    // A parent cannot address another family from the form either.
    let other = w
        .all(Role::Parent, parent.organization_id)
        .into_iter()
        .find(|a| a.login != parent.login)
        .unwrap();
    let oid = w.id_of(&other).await.to_string();
    let refused = w
        .post(
            &p_cookie,
            "/mail/compose",
            &[("to", &oid), ("subject", "Привет"), ("text", "…")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("недоступен"));
}

both_engines!(
    api_flow,
    recipient_policy,
    delivery_by_channel,
    failures_are_kept_and_retried,
    pages
);
