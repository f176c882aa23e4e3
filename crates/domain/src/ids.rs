//! Identifiers: newtypes over UUIDs, parsed once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The UUID inside.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id!(
    /// A Party committee, working committee or Party group (党委 / 党工委 / 党组).
    UnitId
);
id!(
    /// A stationed discipline inspection group (派驻纪检组).
    GroupId
);
id!(
    /// A leading cadre (区管领导干部), with one personal login.
    CadreId
);
id!(
    /// A district leader in charge of units (分管联系区领导).
    LeaderId
);
id!(
    /// A responsibility list (责任清单) of one year.
    ListId
);
id!(
    /// One duty item of a responsibility list.
    ItemId
);
id!(
    /// An annual key task (年度重点工作任务).
    TaskId
);
id!(
    /// One obligation: a (subject, item, period). Derived deterministically, see
    /// `obligation`.
    ObligationId
);
id!(
    /// One duty entry (履责记录).
    EntryId
);
id!(
    /// A login (一人一个ID): derived from its username, see `user::user_id_for`.
    UserId
);
id!(
    /// One filing (报备): a travel out of Ningbo city or a family event, by one cadre.
    FilingId
);
id!(
    /// One problem of the ledger (问题台账).
    ProblemId
);
id!(
    /// One oversight record (廉情数据).
    OversightId
);
id!(
    /// One bulk import of oversight records: derived from the file's content, see
    /// `oversight::import_id_for`.
    ImportId
);
id!(
    /// One accountability decision (问责决定) or admonishment talk (约谈).
    DecisionId
);
id!(
    /// One circular (通报).
    CircularId
);
