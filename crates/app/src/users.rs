//! Logins (一人一个ID) and the record of history reads.

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::error::DomainError;
use domain::events::{Event, HistoryRead, stream};
use domain::ids::UserId;
use domain::user::{
    Account, RegisterUser, UserAggregate, UserCommand, UserContext, UserState, normalise_username,
    user_id_for,
};

impl App {
    /// 开通账号. `link_taken_by` is the username of an active login already linked to the
    /// same cadre or leader, as the caller found it (一人一个ID). The user's id follows from
    /// the username, so two registrations of one username cannot both succeed.
    pub async fn register_user(
        &self,
        c: RegisterUser,
        link_taken_by: Option<String>,
        meta: &Meta,
    ) -> Result<(UserId, Outcome), AppError> {
        let username = normalise_username("username", &c.username)?;
        let user_id = user_id_for(&username);
        let link_exists = match c.account {
            Account::Cadre { cadre_id } => self.cadre_duty(cadre_id).await?.is_some(),
            Account::Leader { leader_id } => {
                self.store()
                    .stream_version(&name(stream::leader(leader_id))?)
                    .await?
                    > 0
            }
            _ => true,
        };
        let ctx = UserContext {
            link_exists,
            link_taken_by,
        };
        let out = self
            .execute::<UserAggregate>(
                &name(stream::user(user_id))?,
                &meta.actor,
                meta.key.as_ref(),
                meta.fingerprint,
                || UserCommand::Register(c.clone()),
                &ctx,
            )
            .await?;
        Ok((user_id, out))
    }

    /// 停用 / 恢复账号, 重置密码 (the event only: the password is set elsewhere).
    pub async fn user_command(
        &self,
        user: UserId,
        c: UserCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        if self.user(user).await?.is_none() {
            return Err(DomainError::not_found("user", user).into());
        }
        self.execute::<UserAggregate>(
            &name(stream::user(user))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &UserContext::default(),
        )
        .await
    }

    /// A user as the log says now, read from its stream (not from a read model, so it is
    /// never behind).
    pub async fn user(&self, user: UserId) -> Result<Option<UserState>, AppError> {
        Ok(self
            .load::<UserAggregate>(&name(stream::user(user))?)
            .await?
            .state)
    }

    /// Records that `read.reader` read a cadre's history (查阅记录), before the history is
    /// served: if this cannot be written, the read is refused.
    pub async fn record_history_read(
        &self,
        read: HistoryRead,
        meta: &Meta,
    ) -> Result<u64, AppError> {
        // Every read is recorded, a repeated one too: never under a derived id.
        self.append_fact(&Event::from(read), None, meta).await
    }
}
