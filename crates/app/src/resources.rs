//! Educational resources and courses: materials and links a teacher publishes for subject groups and classes.

use chrono::{DateTime, Utc};
use sgo_core::communication::check_link;
use sgo_core::files::FileOwner;
use sgo_core::policy::{is_school_admin, may_manage, may_publish_resource};
use sgo_core::{AccountId, Actor, ClassId, GroupId, OrganizationId, ResourceId};
use sgo_store::{ClassChoiceRecord, GroupChoiceRecord, NewResource, ResourceRecord};

use crate::announcements::{ClassChoice, class_label, files_by_owner};
use crate::files::{FileLink, Upload};
use crate::form::FieldErrors;
use crate::settings::FormError;
use crate::view::views;
use crate::{App, AppError, AppResult, Origin};

/// What the resource form sends.
#[derive(Debug, Default)]
pub struct ResourceInput {
    /// `group:{id}` or `class:{id}`.
    pub target: String,
    /// Title.
    pub title: String,
    /// Plain-text description.
    pub description: String,
    /// An http(s) link, or empty.
    pub link: String,
    /// Materials to attach.
    pub files: Vec<Upload>,
}

/// A stored resource: a link or materials for a class or a subject group.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Resource {
    pub id: ResourceId,
    pub organization_id: OrganizationId,
    pub author_account_id: AccountId,
    pub author_name: String,
    /// Set when published for a subject group.
    pub subject_group_id: Option<GroupId>,
    /// The subject of that group.
    pub subject_name: Option<String>,
    /// The class it concerns: its own target, or the class of its subject group.
    pub class_id: ClassId,
    pub grade: i32,
    pub letter: String,
    pub title: String,
    pub description: String,
    pub link: String,
    pub posted_at: DateTime<Utc>,
}

impl From<ResourceRecord> for Resource {
    fn from(r: ResourceRecord) -> Resource {
        Resource {
            id: ResourceId::new(r.id),
            organization_id: OrganizationId::new(r.organization_id),
            author_account_id: AccountId::new(r.author_account_id),
            author_name: r.author_name,
            subject_group_id: r.subject_group_id.map(GroupId::new),
            subject_name: r.subject_name,
            class_id: ClassId::new(r.class_id),
            grade: r.grade,
            letter: r.letter,
            title: r.title,
            description: r.description,
            link: r.link,
            posted_at: r.posted_at,
        }
    }
}

/// A subject group to choose in a form: «Математика, 5А».
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct GroupChoice {
    pub id: GroupId,
    pub class_id: ClassId,
    pub grade: i32,
    pub letter: String,
    pub subject_name: String,
    pub group_name: String,
}

impl From<GroupChoiceRecord> for GroupChoice {
    fn from(r: GroupChoiceRecord) -> GroupChoice {
        GroupChoice {
            id: GroupId::new(r.id),
            class_id: ClassId::new(r.class_id),
            grade: r.grade,
            letter: r.letter,
            subject_name: r.subject_name,
            group_name: r.group_name,
        }
    }
}

/// A resource as a reader sees it.
#[derive(Debug, Clone)]
pub struct ResourceView {
    /// The stored resource.
    pub record: Resource,
    /// «Математика, 5А» or «Класс 5А».
    pub target_text: String,
    /// Its materials.
    pub files: Vec<FileLink>,
    /// Whether the reader may delete it.
    pub may_manage: bool,
}

/// The resources page: what the actor sees and where they may publish.
#[derive(Debug, Clone)]
pub struct ResourcesPage {
    /// Resources visible to the actor, newest first.
    pub items: Vec<ResourceView>,
    /// Whether the actor may publish at all.
    pub may_publish: bool,
    /// Subject groups the actor may publish for.
    pub groups: Vec<GroupChoice>,
    /// Classes the actor may publish for.
    pub classes: Vec<ClassChoice>,
}

impl App {
    /// The resources the actor may read, and where they may publish.
    pub async fn resources_page(&self, actor: &Actor) -> AppResult<ResourcesPage> {
        let reader = self.reader_of(actor).await?;
        let admin = is_school_admin(actor);
        let mut items = Vec::new();
        for record in self.store.resources(actor.organization_id.get()).await? {
            if admin
                || record.author_account_id == actor.account_id.get()
                || reader.class_ids.contains(&ClassId::new(record.class_id))
            {
                items.push(record);
            }
        }
        let ids: Vec<i64> = items.iter().map(|r| r.id).collect();
        let mut files = files_by_owner(self.files_of("resource", &ids).await?);
        let items = items
            .into_iter()
            .map(|record| ResourceView {
                target_text: target_text(&record),
                files: files.remove(&record.id).unwrap_or_default(),
                may_manage: may_manage(
                    actor,
                    AccountId::new(record.author_account_id),
                    OrganizationId::new(record.organization_id),
                ),
                record: record.into(),
            })
            .collect();
        let may_publish = may_publish_resource(actor);
        let (groups, classes) = if may_publish {
            let (groups, classes) = self.resource_targets(actor).await?;
            (views(groups), views(classes))
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(ResourcesPage {
            items,
            may_publish,
            groups,
            classes,
        })
    }

    /// Subject groups and classes the actor may publish for: all of the school for the
    /// administration; for a teacher, the groups they teach and the classes they teach or lead.
    async fn resource_targets(
        &self,
        actor: &Actor,
    ) -> AppResult<(Vec<GroupChoiceRecord>, Vec<ClassChoiceRecord>)> {
        let org = actor.organization_id.get();
        let today = self.today();
        let mut classes = self.store.school_classes(org, today).await?;
        if is_school_admin(actor) {
            let groups = self.store.group_choices(org, today, None).await?;
            return Ok((groups, classes));
        }
        let groups = self
            .store
            .group_choices(org, today, Some(actor.account_id.get()))
            .await?;
        let mine = self.store.teacher_class_ids(actor.account_id.get()).await?;
        classes.retain(|c| mine.contains(&c.id));
        Ok((groups, classes))
    }

    /// Publishes a resource with its materials.
    pub async fn create_resource(
        &self,
        actor: &Actor,
        origin: &Origin,
        input: ResourceInput,
    ) -> Result<ResourceId, FormError> {
        if !may_publish_resource(actor) {
            return Err(AppError::Forbidden.into());
        }
        let (groups, classes) = self.resource_targets(actor).await?;
        let mut errors = FieldErrors::default();
        let (mut subject_group_id, mut class_id) = (None, None);
        let target = input.target.trim();
        let parse = |prefix: &str| {
            target
                .strip_prefix(prefix)
                .and_then(|s| s.parse::<i64>().ok())
        };
        if let Some(id) = parse("group:") {
            if groups.iter().any(|g| g.id == id) {
                subject_group_id = Some(id);
            } else {
                errors.add("target", msg!("resource-target-not-yours"));
            }
        } else if let Some(id) = parse("class:") {
            if classes.iter().any(|c| c.id == id) {
                class_id = Some(id);
            } else {
                errors.add("target", msg!("resource-target-not-yours"));
            }
        } else {
            errors.add("target", msg!("resource-target-required"));
        }
        let title = input.title.trim().to_owned();
        if title.is_empty() {
            errors.add("title", msg!("resource-title-required"));
        } else if title.chars().count() > 200 {
            errors.add("title", msg!("resource-title-too-long"));
        }
        let description = input.description.trim().to_owned();
        if description.chars().count() > 10_000 {
            errors.add("description", msg!("resource-description-too-long"));
        }
        let link = match check_link(&input.link) {
            Ok(l) => l,
            Err(e) => {
                errors.add("link", e.message());
                String::new()
            }
        };
        if errors.is_empty() && link.is_empty() && input.files.is_empty() {
            errors.add("link", msg!("resource-link-or-files-required"));
        }
        errors.checked()?;
        let uploaded = self.upload_all(actor, input.files).await?;
        let new = NewResource {
            organization_id: actor.organization_id.get(),
            author_account_id: actor.account_id.get(),
            subject_group_id,
            class_id,
            title,
            description,
            link,
            posted_at: self.clock.now(),
        };
        let id = self.store.insert_resource(&new).await?;
        self.attach_uploads(actor, &uploaded, FileOwner::Resource(id))
            .await?;
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            "resource.create",
            format!("resource:{id}"),
            new.title.clone(),
        )
        .await;
        Ok(ResourceId::new(id))
    }

    /// Deletes a resource and its materials (author or administration).
    pub async fn delete_resource(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: ResourceId,
    ) -> AppResult<()> {
        let id = id.get();
        let missing = || AppError::NotFound(msg!("resource-not-found"));
        let record = self.store.resource(id).await?.ok_or_else(missing)?;
        let (author, organization) = (
            AccountId::new(record.author_account_id),
            OrganizationId::new(record.organization_id),
        );
        if !may_manage(actor, author, organization) {
            return Err(if self.may_read_resource(actor, id).await? {
                AppError::Forbidden
            } else {
                missing()
            });
        }
        for file in self.files_of("resource", &[id]).await? {
            self.remove_file(file.id).await?;
        }
        self.store.delete_resource(id).await?;
        self.audit_change(
            actor,
            organization,
            origin,
            "resource.delete",
            format!("resource:{id}"),
            record.title,
        )
        .await;
        Ok(())
    }

    /// Whether the actor may read a resource (and so download its files): its author, the
    /// school administration, and the students, parents and teachers of its class.
    pub(crate) async fn may_read_resource(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        let Some(record) = self.store.resource(id).await? else {
            return Ok(false);
        };
        if record.organization_id != actor.organization_id.get() {
            return Ok(false);
        }
        if is_school_admin(actor) || record.author_account_id == actor.account_id.get() {
            return Ok(true);
        }
        Ok(self
            .reader_of(actor)
            .await?
            .class_ids
            .contains(&ClassId::new(record.class_id)))
    }
}

/// Where a resource is published, as a list shows it.
fn target_text(r: &ResourceRecord) -> String {
    let class = class_label(r.grade, &r.letter);
    match &r.subject_name {
        Some(subject) if r.subject_group_id.is_some() => format!("{subject}, {class}"),
        _ => format!("Класс {class}"),
    }
}
