//! A connection: one resolved profile, region and credentials, and the SDK clients built on it.

use crate::journal::JournalInterceptor;
use crate::profiles::{kind_of, load_profile_set};
use crate::AwsError;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_types::os_shim_internal::Env;
use slipway_core::connection::{
    is_valid_region, ConnectionInfo, PracticeStack, ProfileKind, PRACTICE_PROFILE, PRACTICE_REGION,
};
use slipway_core::journal::CallJournal;
use std::sync::Arc;
use std::time::Duration;

/// Which profile and region the person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    pub profile: String,
    /// Overrides the profile's own region.
    pub region: Option<String>,
}

/// Who the credentials belong to, from STS GetCallerIdentity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// A resolved connection. Cloning is cheap; clients are built on demand from the shared config.
#[derive(Clone, Debug)]
pub struct Connection {
    pub profile: String,
    pub practice: bool,
    pub region: String,
    /// The endpoint override (the practice stack), if any.
    pub endpoint: Option<String>,
    sdk: SdkConfig,
    journal: Arc<dyn CallJournal>,
}

impl Connection {
    /// Resolves the profile, its region and its credentials. Credentials are checked here (not
    /// at the first call) so that a missing SSO login or key is reported with its fix up front.
    pub async fn open(
        req: &ConnectRequest,
        env: &Env,
        stack: &PracticeStack,
        journal: Arc<dyn CallJournal>,
    ) -> Result<Self, AwsError> {
        if let Some(r) = &req.region {
            if !is_valid_region(r) {
                return Err(AwsError::RegionInvalid(r.clone()));
            }
        }
        if req.profile == PRACTICE_PROFILE {
            return Ok(Self::practice(stack, req.region.clone(), journal));
        }
        let set = load_profile_set(env).await?;
        let from_env_only = req.profile == "default" && env.get("AWS_ACCESS_KEY_ID").is_ok();
        if set.get_profile(&req.profile).is_none() && !from_env_only {
            let mut known: Vec<String> = set.profiles().map(str::to_string).collect();
            known.sort();
            known.insert(0, PRACTICE_PROFILE.into());
            return Err(AwsError::ProfileNotFound {
                name: req.profile.clone(),
                known,
            });
        }
        let region = req
            .region
            .clone()
            .or_else(|| {
                set.get_profile(&req.profile)
                    .and_then(|p| p.get("region"))
                    .map(str::to_string)
            })
            .or_else(|| env.get("AWS_REGION").ok())
            .or_else(|| env.get("AWS_DEFAULT_REGION").ok())
            .ok_or_else(|| AwsError::RegionMissing {
                profile: req.profile.clone(),
            })?;
        if !is_valid_region(&region) {
            return Err(AwsError::RegionInvalid(region));
        }
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .profile_name(&req.profile)
            .region(Region::new(region.clone()))
            .load()
            .await;
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| AwsError::CredentialsMissing {
                profile: req.profile.clone(),
                detail: "no credential provider could be built".into(),
            })?;
        if let Err(e) =
            tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials())
                .await
                .unwrap_or_else(|_| {
                    Err(
                        aws_credential_types::provider::error::CredentialsError::provider_timed_out(
                            Duration::from_secs(20),
                        ),
                    )
                })
        {
            let detail = crate::error::error_chain(&e);
            return Err(if kind_of(&set, &req.profile) == ProfileKind::Sso {
                AwsError::SsoLoginRequired {
                    profile: req.profile.clone(),
                    detail,
                }
            } else {
                AwsError::CredentialsMissing {
                    profile: req.profile.clone(),
                    detail,
                }
            });
        }
        Ok(Self {
            profile: req.profile.clone(),
            practice: false,
            region,
            endpoint: None,
            sdk,
            journal,
        })
    }

    /// The practice connection: every client talks to the local emulator with throwaway keys.
    pub fn practice(
        stack: &PracticeStack,
        region: Option<String>,
        journal: Arc<dyn CallJournal>,
    ) -> Self {
        let region = region.unwrap_or_else(|| PRACTICE_REGION.into());
        // moto accepts any keys; these are not secrets and are never valid on real AWS.
        let creds = Credentials::new(
            "AKIAPRACTICE00000000",
            "practice-secret-not-valid-on-aws",
            None,
            None,
            "slipway-practice",
        );
        let sdk = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .endpoint_url(&stack.aws_endpoint)
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
            )
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_timeout(Duration::from_secs(30))
                    .build(),
            )
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
            .sleep_impl(aws_smithy_async_sleep())
            .build();
        Self {
            profile: PRACTICE_PROFILE.into(),
            practice: true,
            region,
            endpoint: Some(stack.aws_endpoint.clone()),
            sdk,
            journal,
        }
    }

    fn interceptor(&self) -> JournalInterceptor {
        JournalInterceptor::new(self.profile.clone(), self.journal.clone())
    }

    /// An STS client that journals its calls.
    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// An EC2 client that journals its calls.
    pub fn ec2(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// An ECS client that journals its calls.
    pub fn ecs(&self) -> aws_sdk_ecs::Client {
        aws_sdk_ecs::Client::from_conf(
            aws_sdk_ecs::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// Turns an SDK error of `service`'s `operation` into an `AwsError` with this connection's
    /// profile and endpoint (for use in `map_err`).
    pub fn fail<E, R>(
        &self,
        service: &'static str,
        operation: &'static str,
    ) -> impl Fn(aws_smithy_runtime_api::client::result::SdkError<E, R>) -> AwsError + '_
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
        R: std::fmt::Debug,
    {
        move |e| {
            crate::error::classify(
                e,
                service,
                operation,
                &self.profile,
                &self.endpoint_label(),
                self.practice,
            )
        }
    }

    /// An ECR client that journals its calls.
    pub fn ecr(&self) -> aws_sdk_ecr::Client {
        aws_sdk_ecr::Client::from_conf(
            aws_sdk_ecr::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// An Elastic Load Balancing v2 client that journals its calls.
    pub fn elbv2(&self) -> aws_sdk_elasticloadbalancingv2::Client {
        aws_sdk_elasticloadbalancingv2::Client::from_conf(
            aws_sdk_elasticloadbalancingv2::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// An IAM client that journals its calls.
    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// A CloudWatch Logs client that journals its calls.
    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// An Application Auto Scaling client that journals its calls.
    pub fn autoscaling(&self) -> aws_sdk_applicationautoscaling::Client {
        aws_sdk_applicationautoscaling::Client::from_conf(
            aws_sdk_applicationautoscaling::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// A Resource Groups Tagging API client that journals its calls.
    pub fn tagging(&self) -> aws_sdk_resourcegroupstagging::Client {
        aws_sdk_resourcegroupstagging::Client::from_conf(
            aws_sdk_resourcegroupstagging::config::Builder::from(&self.sdk)
                .interceptor(self.interceptor())
                .build(),
        )
    }

    /// The endpoint shown in errors: the override, or the regional AWS endpoint.
    pub fn endpoint_label(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("AWS ({})", self.region))
    }

    /// Asks STS who the credentials belong to.
    pub async fn identity(&self) -> Result<Identity, AwsError> {
        let out = self.sts().get_caller_identity().send().await.map_err(|e| {
            crate::error::classify(
                e,
                "STS",
                "GetCallerIdentity",
                &self.profile,
                &self.endpoint_label(),
                self.practice,
            )
        })?;
        Ok(Identity {
            account: out.account.unwrap_or_default(),
            arn: out.arn.unwrap_or_default(),
        })
    }

    /// What the connection bar shows.
    pub fn info(&self, identity: Option<&Identity>) -> ConnectionInfo {
        ConnectionInfo {
            profile: self.profile.clone(),
            practice: self.practice,
            region: Some(self.region.clone()),
            account: identity.map(|i| i.account.clone()),
            arn: identity.map(|i| i.arn.clone()),
            endpoint: self.endpoint.clone(),
        }
    }
}

fn aws_smithy_async_sleep() -> aws_smithy_async::rt::sleep::SharedAsyncSleep {
    aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
        aws_smithy_async::rt::sleep::TokioSleep::new(),
    )
}
