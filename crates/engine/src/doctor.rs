//! The environment doctor: is Docker there, do the AWS settings resolve, is the practice
//! stack up. Each check streams out as it finishes, with a fix for each failure.

use aws_types::os_shim_internal::Env;
use slipway_aws::connection::{ConnectRequest, Connection};
use slipway_aws::AwsError;
use slipway_core::connection::PracticeStack;
use slipway_core::doctor::{CheckGroup, DoctorCheck, DoctorReport};
use slipway_core::journal::CallJournal;
use slipway_core::{ErrorBody, ErrorCode};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Every check id, in report order.
pub const CHECK_IDS: [&str; 7] = [
    "docker.engine",
    "practice.base_image",
    "aws.profile",
    "aws.region",
    "aws.credentials",
    "practice.aws_endpoint",
    "practice.registry",
];

/// Runs every check for `request`, calling `on_check` as each one finishes.
pub async fn run_doctor(
    request: &ConnectRequest,
    stack: &PracticeStack,
    journal: Arc<dyn CallJournal>,
    mut on_check: impl FnMut(&DoctorCheck),
) -> DoctorReport {
    let practice = request.profile == slipway_core::connection::PRACTICE_PROFILE;
    let (tx, mut rx) = mpsc::unbounded_channel::<DoctorCheck>();
    let docker_tx = tx.clone();
    let aws_tx = tx.clone();
    let practice_tx = tx;
    let docker = async move {
        let started = Instant::now();
        match slipway_docker::connect().await {
            Ok((docker, info)) => {
                let detail = format!(
                    "{:?} {} (API {}) at {}",
                    info.kind, info.version, info.api_version, info.endpoint
                );
                let _ = docker_tx.send(
                    DoctorCheck::ok("docker.engine", CheckGroup::Docker, detail)
                        .timed(started.elapsed()),
                );
                let started = Instant::now();
                let check = if !practice {
                    DoctorCheck::skipped(
                        "practice.base_image",
                        CheckGroup::Practice,
                        "only needed in practice mode",
                    )
                } else {
                    match slipway_docker::image::image_exists(&docker, crate::PRACTICE_BASE_IMAGE).await {
                        Ok(true) => DoctorCheck::ok("practice.base_image", CheckGroup::Practice, crate::PRACTICE_BASE_IMAGE),
                        Ok(false) => DoctorCheck::fail(
                            "practice.base_image",
                            CheckGroup::Practice,
                            ErrorBody::new(
                                ErrorCode::PracticeStackDown,
                                format!("The practice base image {} is missing from the Docker engine.", crate::PRACTICE_BASE_IMAGE),
                                "Run `scripts/practice start`: it builds the base image locally (no registry is needed).",
                            ),
                        ),
                        Err(e) => DoctorCheck::fail("practice.base_image", CheckGroup::Practice, ErrorBody::from(e)),
                    }
                };
                let _ = docker_tx.send(check.timed(started.elapsed()));
            }
            Err(e) => {
                let _ = docker_tx.send(
                    DoctorCheck::fail("docker.engine", CheckGroup::Docker, ErrorBody::from(e))
                        .timed(started.elapsed()),
                );
                let _ = docker_tx.send(DoctorCheck::skipped(
                    "practice.base_image",
                    CheckGroup::Practice,
                    "needs a Docker engine",
                ));
            }
        }
    };
    let aws = async move {
        let started = Instant::now();
        let env = Env::real();
        match Connection::open(request, &env, stack, journal).await {
            Ok(conn) => {
                let elapsed = started.elapsed();
                let _ = aws_tx.send(
                    DoctorCheck::ok("aws.profile", CheckGroup::Aws, conn.profile.clone())
                        .timed(elapsed),
                );
                let _ = aws_tx.send(DoctorCheck::ok(
                    "aws.region",
                    CheckGroup::Aws,
                    conn.region.clone(),
                ));
                let started = Instant::now();
                let check = match conn.identity().await {
                    Ok(id) => DoctorCheck::ok(
                        "aws.credentials",
                        CheckGroup::Aws,
                        format!("account {} ({})", id.account, id.arn),
                    ),
                    Err(e) => {
                        DoctorCheck::fail("aws.credentials", CheckGroup::Aws, ErrorBody::from(e))
                    }
                };
                let _ = aws_tx.send(check.timed(started.elapsed()));
            }
            Err(e) => {
                let elapsed = started.elapsed();
                let failed_at = match &e {
                    AwsError::RegionMissing { .. } | AwsError::RegionInvalid(_) => "aws.region",
                    AwsError::SsoLoginRequired { .. } | AwsError::CredentialsMissing { .. } => {
                        "aws.credentials"
                    }
                    _ => "aws.profile",
                };
                let body = ErrorBody::from(e);
                for id in ["aws.profile", "aws.region", "aws.credentials"] {
                    let check = if id == failed_at {
                        DoctorCheck::fail(id, CheckGroup::Aws, body.clone()).timed(elapsed)
                    } else if CHECK_IDS.iter().position(|c| *c == id)
                        < CHECK_IDS.iter().position(|c| *c == failed_at)
                    {
                        DoctorCheck::ok(id, CheckGroup::Aws, request.profile.clone())
                    } else {
                        DoctorCheck::skipped(id, CheckGroup::Aws, format!("needs {failed_at}"))
                    };
                    let _ = aws_tx.send(check);
                }
            }
        }
    };
    let practice_checks = async move {
        if !practice {
            for id in ["practice.aws_endpoint", "practice.registry"] {
                let _ = practice_tx.send(DoctorCheck::skipped(
                    id,
                    CheckGroup::Practice,
                    "only needed in practice mode",
                ));
            }
            return;
        }
        let started = Instant::now();
        let check = match slipway_aws::practice::probe_aws_endpoint(stack).await {
            Ok(d) => DoctorCheck::ok("practice.aws_endpoint", CheckGroup::Practice, d),
            Err(e) => DoctorCheck::fail(
                "practice.aws_endpoint",
                CheckGroup::Practice,
                ErrorBody::from(e),
            ),
        };
        let _ = practice_tx.send(check.timed(started.elapsed()));
        let started = Instant::now();
        let check = match slipway_aws::practice::probe_registry(stack).await {
            Ok(d) => DoctorCheck::ok("practice.registry", CheckGroup::Practice, d),
            Err(e) => DoctorCheck::fail(
                "practice.registry",
                CheckGroup::Practice,
                ErrorBody::from(e),
            ),
        };
        let _ = practice_tx.send(check.timed(started.elapsed()));
    };
    let collect = async {
        let mut checks = Vec::with_capacity(CHECK_IDS.len());
        while let Some(check) = rx.recv().await {
            on_check(&check);
            checks.push(check);
        }
        checks
    };
    let ((), (), (), mut checks) = tokio::join!(docker, aws, practice_checks, collect);
    checks.sort_by_key(|c| {
        CHECK_IDS
            .iter()
            .position(|id| *id == c.id)
            .unwrap_or(usize::MAX)
    });
    DoctorReport::new(request.profile.clone(), checks)
}
