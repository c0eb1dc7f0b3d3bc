//! A connection: one resolved profile, region and credentials, and the SDK clients built on it.

use crate::journal::{CallMeter, JournalInterceptor};
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
    meter: Arc<CallMeter>,
    /// An extra interceptor on every client (tests answer calls with recorded AWS responses).
    extra: Option<aws_smithy_runtime_api::client::interceptors::SharedInterceptor>,
}

/// How calls are retried: the SDK's standard strategy (exponential backoff with full jitter,
/// throttling and transient errors retried, a retry quota so a failing service is not
/// hammered), with more attempts than the default and, against the local emulator, short
/// pauses.
pub fn retry_policy(practice: bool) -> aws_config::retry::RetryConfig {
    let policy = aws_config::retry::RetryConfig::standard().with_max_attempts(5);
    if practice {
        policy
            .with_initial_backoff(Duration::from_millis(50))
            .with_max_backoff(Duration::from_secs(2))
    } else {
        policy.with_max_backoff(Duration::from_secs(20))
    }
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
            .retry_config(retry_policy(false))
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
            meter: Arc::default(),
            extra: None,
        })
    }

    /// The practice connection's session token (sent with every request; never valid on AWS).
    pub const PRACTICE_SESSION_TOKEN: &'static str =
        "practice-session-token-not-valid-on-aws-IQoJb3JpZ2luX2VjEPr";

    /// The practice connection: every client talks to the local emulator with throwaway keys.
    pub fn practice(
        stack: &PracticeStack,
        region: Option<String>,
        journal: Arc<dyn CallJournal>,
    ) -> Self {
        let region = region.unwrap_or_else(|| PRACTICE_REGION.into());
        // moto accepts any keys; these are not secrets and are never valid on real AWS. A
        // session token too, as temporary credentials (SSO, assumed roles) have: every request
        // carries it, so the secrets scan can look for it where a real one would leak.
        let creds = Credentials::new(
            "AKIAPRACTICE00000000",
            "practice-secret-not-valid-on-aws",
            Some(Self::PRACTICE_SESSION_TOKEN.into()),
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
            .retry_config(retry_policy(true))
            .sleep_impl(aws_smithy_async_sleep())
            .build();
        Self {
            profile: PRACTICE_PROFILE.into(),
            practice: true,
            region,
            endpoint: Some(stack.aws_endpoint.clone()),
            sdk,
            journal,
            meter: Arc::default(),
            extra: None,
        }
    }

    /// Adds the extra interceptor (tests) to a client's config builder.
    fn with_extra<B: WithInterceptor>(&self, builder: B) -> B {
        match &self.extra {
            Some(x) => builder.add_interceptor(x.clone()),
            None => builder,
        }
    }

    fn interceptor(&self) -> JournalInterceptor {
        JournalInterceptor::new(
            self.profile.clone(),
            self.journal.clone(),
            self.meter.clone(),
        )
    }

    /// A connection over a given SDK config with an extra interceptor on every client: tests
    /// use it with aws-smithy-mocks to play AWS responses the emulator cannot produce.
    pub fn with_interceptor(
        profile: &str,
        sdk: SdkConfig,
        extra: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
        journal: Arc<dyn CallJournal>,
    ) -> Self {
        Self {
            profile: profile.to_string(),
            practice: false,
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into()),
            endpoint: None,
            sdk,
            journal,
            meter: Arc::default(),
            extra: Some(extra),
        }
    }

    /// The meter of this connection's calls (shared by its clones).
    pub fn meter(&self) -> &CallMeter {
        &self.meter
    }

    /// The same connection with its own meter (and so its own budget and rate).
    pub fn metered_apart(&self) -> Self {
        Self {
            meter: Arc::default(),
            ..self.clone()
        }
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

/// The one thing every service's config builder can do that `with_extra` needs.
pub trait WithInterceptor {
    fn add_interceptor(
        self,
        interceptor: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
    ) -> Self;
}

/// One method per service: a client on the connection's config that journals its calls (and,
/// in tests, answers them through the extra interceptor).
macro_rules! clients {
    ($(($name:ident, $krate:ident, $doc:literal)),* $(,)?) => {
        impl Connection {
            $(
                #[doc = $doc]
                pub fn $name(&self) -> $krate::Client {
                    $krate::Client::from_conf(
                        self.with_extra($krate::config::Builder::from(&self.sdk))
                            .interceptor(self.interceptor())
                            .build(),
                    )
                }
            )*
        }

        $(
            impl WithInterceptor for $krate::config::Builder {
                fn add_interceptor(
                    self,
                    interceptor: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
                ) -> Self {
                    self.interceptor(interceptor)
                }
            }
        )*
    };
}

clients!(
    (sts, aws_sdk_sts, "An STS client that journals its calls."),
    (ec2, aws_sdk_ec2, "An EC2 client that journals its calls."),
    (ecs, aws_sdk_ecs, "An ECS client that journals its calls."),
    (ecr, aws_sdk_ecr, "An ECR client that journals its calls."),
    (
        elbv2,
        aws_sdk_elasticloadbalancingv2,
        "An Elastic Load Balancing v2 client that journals its calls."
    ),
    (iam, aws_sdk_iam, "An IAM client that journals its calls."),
    (
        cloudwatch,
        aws_sdk_cloudwatch,
        "A CloudWatch (metrics) client that journals its calls."
    ),
    (
        logs,
        aws_sdk_cloudwatchlogs,
        "A CloudWatch Logs client that journals its calls."
    ),
    (
        autoscaling,
        aws_sdk_applicationautoscaling,
        "An Application Auto Scaling client that journals its calls."
    ),
    (
        tagging,
        aws_sdk_resourcegroupstagging,
        "A Resource Groups Tagging API client that journals its calls."
    ),
    (
        codebuild,
        aws_sdk_codebuild,
        "A CodeBuild client that journals its calls."
    ),
    (
        codepipeline,
        aws_sdk_codepipeline,
        "A CodePipeline client that journals its calls."
    ),
    (
        codeconnections,
        aws_sdk_codeconnections,
        "A CodeConnections client that journals its calls."
    ),
);

impl Connection {
    /// An S3 client that journals its calls. Against an endpoint override (the emulator) it
    /// addresses buckets by path (`bucket.127.0.0.1` does not resolve) and sends checksums only
    /// where S3 requires them (an upload's streamed checksum trailer is for AWS itself).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let mut builder = self
            .with_extra(aws_sdk_s3::config::Builder::from(&self.sdk))
            .interceptor(self.interceptor());
        if self.endpoint.is_some() {
            builder = builder.force_path_style(true).request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            );
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }
}

impl WithInterceptor for aws_sdk_s3::config::Builder {
    fn add_interceptor(
        self,
        interceptor: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
    ) -> Self {
        self.interceptor(interceptor)
    }
}
