// People: the SQL of [`crate::PeopleStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::PeopleStore for Backend {
    async fn people_of_organization(
        &self,
        organization_id: OrganizationId,
        on: NaiveDate,
    ) -> StoreResult<Vec<crate::PersonListRecord>> {
        // One stay per student even if stays overlap by mistake: the latest that started.
        Ok(query_as(
            "SELECT a.id AS account_id, a.person_id, p.last_name, p.first_name, p.middle_name, a.login, \
             a.display_name, a.active, c.id AS class_id, c.grade, c.letter \
             FROM accounts a JOIN persons p ON p.id = a.person_id \
             LEFT JOIN class_students cs ON cs.id = (SELECT c2.id FROM class_students c2 \
                  WHERE c2.student_account_id = a.id AND c2.from_date <= $2 \
                  AND (c2.to_date IS NULL OR c2.to_date >= $2) ORDER BY c2.from_date DESC, c2.id DESC LIMIT 1) \
             LEFT JOIN classes c ON c.id = cs.class_id \
             WHERE a.organization_id = $1 ORDER BY a.id",
        )
        .bind(organization_id)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn people_roles(&self, organization_id: OrganizationId) -> StoreResult<Vec<crate::AccountRoleRecord>> {
        fetch_all_by(&self.pool, "SELECT r.account_id, r.role FROM account_roles r JOIN accounts a ON a.id = r.account_id \
             WHERE a.organization_id = $1", organization_id).await
    }

    async fn people_parent_links(&self, organization_id: OrganizationId) -> StoreResult<Vec<crate::ParentLinkRecord>> {
        fetch_all_by(&self.pool, "SELECT ps.parent_account_id, ps.student_account_id FROM parent_students ps \
             JOIN accounts a ON a.id = ps.parent_account_id WHERE a.organization_id = $1 \
             ORDER BY ps.parent_account_id, ps.student_account_id", organization_id).await
    }

    async fn person_card(&self, account: AccountId) -> StoreResult<Option<crate::PersonCardRecord>> {
        fetch_optional_by(&self.pool, "SELECT a.id AS account_id, a.person_id, a.organization_id, p.last_name, p.first_name, p.middle_name, \
             p.birth_date, p.gender, p.snils, a.login, a.display_name, a.active, a.must_change_password \
             FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.id = $1", account).await
    }

    async fn login_taken(&self, organization_id: OrganizationId, login_norm: &str, except: Option<AccountId>) -> StoreResult<bool> {
        let n: i64 = query_scalar(
            "SELECT COUNT(*) FROM accounts WHERE organization_id = $1 AND login_norm = $2 \
             AND ($3 IS NULL OR id <> $3)",
        )
        .bind(organization_id)
        .bind(login_norm)
        .bind(except)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn create_person_account(&self, new: &crate::NewPersonAccount) -> StoreResult<AccountId> {
        let mut tx = self.pool.begin().await?;
        let p = &new.person;
        let person_id: i64 = query_scalar(
            "INSERT INTO persons (last_name, first_name, middle_name, birth_date, gender, snils, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&p.last_name)
        .bind(&p.first_name)
        .bind(&p.middle_name)
        .bind(p.birth_date)
        .bind(&p.gender)
        .bind(&p.snils)
        .bind(new.now)
        .fetch_one(&mut *tx)
        .await?;
        let account_id: i64 = query_scalar(
            "INSERT INTO accounts (person_id, organization_id, login, login_norm, display_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(person_id)
        .bind(new.organization_id)
        .bind(&new.login)
        .bind(&new.login_norm)
        .bind(&new.display_name)
        .bind(new.now)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        for role in &new.roles {
            query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                .bind(account_id)
                .bind(role.code())
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        if let Some(class_id) = new.class_id {
            query("INSERT INTO class_students (class_id, student_account_id, from_date) VALUES ($1, $2, $3)")
                .bind(class_id)
                .bind(account_id)
                .bind(new.class_from)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        for child in &new.children {
            query("INSERT INTO parent_students (parent_account_id, student_account_id) VALUES ($1, $2)")
                .bind(account_id)
                .bind(child)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        let mut changed = vec![Changed::new(ChangeSubject::Account(account_id), ChangeKind::Person)];
        if new.class_id.is_some() {
            changed.push(Changed::new(ChangeSubject::Student(account_id), ChangeKind::Groups));
        }
        commit_with(tx, &changed).await?;
        Ok(account_id)
    }

    async fn update_person(&self, person_id: i64, f: &crate::PersonFields) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE persons SET last_name = $2, first_name = $3, middle_name = $4, birth_date = $5, \
             gender = $6, snils = $7 WHERE id = $1",
        )
        .bind(person_id)
        .bind(&f.last_name)
        .bind(&f.first_name)
        .bind(&f.middle_name)
        .bind(f.birth_date)
        .bind(&f.gender)
        .bind(&f.snils)
        .execute(&mut *tx)
        .await?;
        let changed = outbox_subjects(&mut tx, "SELECT id FROM accounts WHERE person_id = $1", person_id, ChangeSubject::Account, ChangeKind::Person).await?;
        commit_with(tx, &changed).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn update_account(&self, account: AccountId, f: &crate::AccountFields) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE accounts SET login = $2, login_norm = $3, display_name = $4, active = $5 WHERE id = $1",
        )
        .bind(account)
        .bind(&f.login)
        .bind(&f.login_norm)
        .bind(&f.display_name)
        .bind(f.active)
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        let subject = ChangeSubject::Account(account);
        commit_with(tx, &[Changed::new(subject, ChangeKind::Person), Changed::new(subject, ChangeKind::Standing)]).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_account_roles(&self, account: AccountId, roles: &[Role]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query("DELETE FROM account_roles WHERE account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        for role in roles {
            query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                .bind(account)
                .bind(role.code())
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        commit_change(tx, ChangeSubject::Account(account), ChangeKind::Standing).await
    }

    async fn link_parent(&self, parent: AccountId, student: AccountId) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query(
            "INSERT INTO parent_students (parent_account_id, student_account_id) VALUES ($1, $2) \
             ON CONFLICT (parent_account_id, student_account_id) DO NOTHING",
        )
        .bind(parent)
        .bind(student)
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        commit_change(tx, ChangeSubject::Account(parent), ChangeKind::Links).await
    }

    async fn unlink_parent(&self, parent: AccountId, student: AccountId) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query("DELETE FROM parent_students WHERE parent_account_id = $1 AND student_account_id = $2")
            .bind(parent)
            .bind(student)
            .execute(&mut *tx)
            .await?;
        commit_change(tx, ChangeSubject::Account(parent), ChangeKind::Links).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn people_classes(&self, academic_year_id: i64) -> StoreResult<Vec<crate::PeopleClassRecord>> {
        fetch_all_by(&self.pool, "SELECT id, organization_id, academic_year_id, grade, letter FROM classes \
             WHERE academic_year_id = $1 ORDER BY grade, letter, id", academic_year_id).await
    }

    async fn people_class(&self, class_id: i64) -> StoreResult<Option<crate::PeopleClassRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, organization_id, academic_year_id, grade, letter FROM classes WHERE id = $1", class_id).await
    }

    async fn classes_led_by(&self, teacher: AccountId, academic_year_id: i64) -> StoreResult<Vec<i64>> {
        Ok(query_scalar(
            "SELECT c.id FROM class_teachers ct JOIN classes c ON c.id = ct.class_id \
             WHERE ct.teacher_account_id = $1 AND c.academic_year_id = $2 ORDER BY c.grade, c.letter",
        )
        .bind(teacher)
        .bind(academic_year_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn students_of_class(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<AccountId>> {
        Ok(query_scalar(
            "SELECT DISTINCT student_account_id FROM class_students WHERE class_id = $1 AND from_date <= $2 \
             AND (to_date IS NULL OR to_date >= $2) ORDER BY student_account_id",
        )
        .bind(class_id)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn class_history(&self, student: AccountId) -> StoreResult<Vec<crate::ClassMembershipRecord>> {
        fetch_all_by(&self.pool, "SELECT cs.id, cs.class_id, c.grade, c.letter, y.name AS year_name, cs.from_date, cs.to_date \
             FROM class_students cs JOIN classes c ON c.id = cs.class_id \
             JOIN academic_years y ON y.id = c.academic_year_id \
             WHERE cs.student_account_id = $1 ORDER BY cs.from_date DESC, cs.id DESC", student).await
    }

    async fn move_student(&self, student: AccountId, class_id: Option<i64>, from: NaiveDate) -> StoreResult<()> {
        let day_before = from.pred_opt().unwrap_or(from);
        let mut tx = self.pool.begin().await?;
        query("DELETE FROM class_students WHERE student_account_id = $1 AND from_date >= $2")
            .bind(student)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        query(
            "UPDATE class_students SET to_date = $3 WHERE student_account_id = $1 \
             AND (to_date IS NULL OR to_date >= $2)",
        )
        .bind(student)
        .bind(from)
        .bind(day_before)
        .execute(&mut *tx)
        .await?;
        if let Some(class_id) = class_id {
            query("INSERT INTO class_students (class_id, student_account_id, from_date) VALUES ($1, $2, $3)")
                .bind(class_id)
                .bind(student)
                .bind(from)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        commit_change(tx, ChangeSubject::Student(student), ChangeKind::Groups).await
    }
}
