//! ServiceAccounts.

use super::meta::{MetaBuilder, metadata_methods};
use k8s_openapi::api::core::v1::ServiceAccount;

/// Builds a ServiceAccount (annotations carry workload identity: an IAM role to read the
/// model from S3, a Google service account for GCS).
///
/// ```
/// use tack::build::ServiceAccountBuilder;
/// let account = ServiceAccountBuilder::new("mnist")
///     .annotations([("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/models")])
///     .build();
/// assert_eq!(account.metadata.annotations.unwrap()["eks.amazonaws.com/role-arn"], "arn:aws:iam::1:role/models");
/// ```
#[derive(Debug, Clone)]
pub struct ServiceAccountBuilder {
    meta: MetaBuilder,
    automount_token: Option<bool>,
}

impl ServiceAccountBuilder {
    /// A ServiceAccount called `name`.
    ///
    /// ```
    /// let account = tack::build::ServiceAccountBuilder::new("mnist").build();
    /// assert_eq!(account.metadata.name.as_deref(), Some("mnist"));
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        ServiceAccountBuilder {
            meta: MetaBuilder::new(name),
            automount_token: None,
        }
    }

    metadata_methods!();

    /// Whether pods using the account get its token mounted by default.
    ///
    /// ```
    /// let account = tack::build::ServiceAccountBuilder::new("mnist").automount_token(Some(false)).build();
    /// assert_eq!(account.automount_service_account_token, Some(false));
    /// ```
    pub fn automount_token(mut self, mount: Option<bool>) -> Self {
        self.automount_token = mount;
        self
    }

    /// The ServiceAccount.
    ///
    /// ```
    /// let account = tack::build::ServiceAccountBuilder::new("mnist").build();
    /// assert_eq!(account.secrets, None);
    /// ```
    pub fn build(self) -> ServiceAccount {
        ServiceAccount {
            metadata: self.meta.build(),
            automount_service_account_token: self.automount_token,
            ..ServiceAccount::default()
        }
    }
}
