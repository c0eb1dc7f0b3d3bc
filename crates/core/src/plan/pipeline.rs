//! The resources of step 5: a CodePipeline V2 pipeline (source → CodeBuild → optional approval →
//! ECS deploy of the step-4 service), its encrypted artifact bucket, the CodeBuild project and
//! the two roles with least privilege, as more of the same graph the service uses. Names come
//! from the app's name (and, for the globally named bucket, the account and region), so every
//! run finds the same resources again.

use super::resource::{Desired, ResourceKind};
use super::service::{short_name, ServiceNames};
use crate::buildspec::IMAGE_DEFINITIONS;
use crate::spec::{ProjectSpec, SourceSpec, BUILDSPEC_FILE};
use serde_json::{json, Value};

/// The pipeline's artifact names: the source as fetched, and the build's output.
pub const SOURCE_ARTIFACT: &str = "SourceCode";
pub const BUILD_ARTIFACT: &str = "BuildOutput";

/// The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// AWS names of a project's pipeline resources, in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineNames {
    pub pipeline: String,
    pub build_project: String,
    /// Bucket names are global: the account and region keep them unique.
    pub bucket: String,
    pub build_role: String,
    pub pipeline_role: String,
    pub build_log_group: String,
    /// Where the smoke test's commands log.
    pub smoke_log_group: String,
}

impl PipelineNames {
    /// The names for app `app` in `account` and `region`.
    pub fn for_app(app: &str, account: &str, region: &str) -> Self {
        let build_project = format!("{app}-build");
        Self {
            pipeline: app.to_string(),
            bucket: short_name(app, &format!("-pipeline-{account}-{region}"), 63),
            build_role: short_name(app, "-codebuild", 64),
            pipeline_role: short_name(app, "-pipeline", 64),
            build_log_group: format!("/aws/codebuild/{build_project}"),
            smoke_log_group: format!("/aws/codepipeline/{app}"),
            build_project,
        }
    }
}

/// What the pipeline's graph needs besides the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineContext {
    pub region: String,
    pub account: String,
    /// The service's URL (the load balancer), for the smoke test.
    pub service_url: Option<String>,
    /// For the S3 source: the archive to upload and its SHA-256.
    pub source_archive: Option<SourceArchive>,
}

/// The zipped project an S3 source uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceArchive {
    /// The file on this machine.
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
}

fn d(
    key: &str,
    kind: ResourceKind,
    name: &str,
    props: Value,
    deps: &[&str],
    purpose: &str,
) -> Desired {
    Desired {
        key: key.into(),
        kind,
        name: name.into(),
        props,
        deps: deps.iter().map(|s| s.to_string()).collect(),
        purpose: purpose.into(),
        data: false,
    }
}

fn action(
    name: &str,
    category: &str,
    provider: &str,
    run_order: u32,
    configuration: Value,
    input: &[&str],
    output: &[&str],
) -> Value {
    json!({
        "name": name,
        "category": category,
        "owner": "AWS",
        "provider": provider,
        "version": "1",
        "run_order": run_order,
        "configuration": configuration,
        "input_artifacts": input,
        "output_artifacts": output,
    })
}

/// The ECR repository URI the build pushes to.
pub fn repository_uri(spec: &ProjectSpec, ctx: &PipelineContext) -> String {
    let suffix = if partition(&ctx.region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!(
        "{}.dkr.ecr.{}.{suffix}/{}",
        ctx.account,
        ctx.region,
        spec.image.repository_name(&spec.app.name)
    )
}

/// The pipeline's resources, dependencies first. Empty when the spec has no `[pipeline]`.
pub fn pipeline_resources(spec: &ProjectSpec, ctx: &PipelineContext) -> Vec<Desired> {
    let Some(p) = &spec.pipeline else {
        return Vec::new();
    };
    let app = &spec.app.name;
    let n = PipelineNames::for_app(app, &ctx.account, &ctx.region);
    let svc = ServiceNames::for_app(app);
    let part = partition(&ctx.region);
    let (region, account) = (&ctx.region, &ctx.account);
    let bucket_arn = format!("arn:{part}:s3:::{}", n.bucket);
    let repo_arn = format!(
        "arn:{part}:ecr:{region}:{account}:repository/{}",
        spec.image.repository_name(app)
    );
    let log_arn = |group: &str| format!("arn:{part}:logs:{region}:{account}:log-group:{group}");
    let mut out = Vec::new();

    out.push(d(
        "artifacts",
        ResourceKind::Bucket,
        &n.bucket,
        json!({
            "region": region,
            "versioning": "Enabled",
            "encryption": "AES256",
            "public_access_block": true,
        }),
        &[],
        "Holds what passes between the stages (the source, the build's imagedefinitions.json): versioned, encrypted, never public.",
    ));
    let mut pipeline_deps = vec!["role-pipeline", "build", "artifacts"];
    let source_config = match &p.source {
        SourceSpec::S3 { .. } => {
            let key = p.source.s3_key(app).unwrap_or_default();
            let archive = ctx.source_archive.as_ref();
            out.push(d(
                "source",
                ResourceKind::SourceObject,
                &key,
                json!({
                    "bucket": "${artifacts.name}",
                    "key": key,
                    "sha256": archive.map(|a| a.sha256.clone()),
                    "file": archive.map(|a| a.file.clone()),
                }),
                &["artifacts"],
                "Your project folder as a zip (what .gitignore and .dockerignore leave in): each new upload is a new version the pipeline builds.",
            ));
            pipeline_deps.push("source");
            (
                "S3",
                json!({
                    "S3Bucket": "${artifacts.name}",
                    "S3ObjectKey": key,
                    "PollForSourceChanges": "false",
                }),
            )
        }
        SourceSpec::Github {
            connection,
            repository,
            branch,
        } => {
            out.push(d(
                "connection",
                ResourceKind::SourceConnection,
                connection,
                json!({ "provider": "GitHub" }),
                &[],
                "Lets CodePipeline read your GitHub repository. It starts PENDING: approve it once in the AWS console (Developer Tools → Settings → Connections).",
            ));
            pipeline_deps.push("connection");
            (
                "CodeStarSourceConnection",
                json!({
                    "ConnectionArn": "${connection.arn}",
                    "FullRepositoryId": repository,
                    "BranchName": branch,
                    "OutputArtifactFormat": "CODE_ZIP",
                    "DetectChanges": "true",
                }),
            )
        }
        SourceSpec::Codecommit { repository, branch } => (
            "CodeCommit",
            json!({
                "RepositoryName": repository,
                "BranchName": branch,
                "OutputArtifactFormat": "CODE_ZIP",
                // Without an EventBridge rule, polling is what notices a commit.
                "PollForSourceChanges": "true",
            }),
        ),
    };
    out.push(d(
        "build-logs",
        ResourceKind::LogGroup,
        &n.build_log_group,
        json!({ "retention_days": spec.service.log_retention_days }),
        &[],
        "Keeps every build's output (the failing command and the lines before it).",
    ));
    let build_policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_arn(&n.build_log_group), format!("{}:*", log_arn(&n.build_log_group))],
            },
            {
                "Sid": "Artifacts",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                "Resource": [format!("{bucket_arn}/*")],
            },
            {
                "Sid": "ArtifactBucket",
                "Effect": "Allow",
                "Action": ["s3:GetBucketAcl", "s3:GetBucketLocation"],
                "Resource": [bucket_arn.clone()],
            },
            {
                // GetAuthorizationToken has no resource to scope to.
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": ["ecr:GetAuthorizationToken"],
                "Resource": ["*"],
            },
            {
                "Sid": "EcrPush",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:InitiateLayerUpload",
                    "ecr:PutImage",
                    "ecr:UploadLayerPart",
                ],
                "Resource": [repo_arn],
            },
        ]
    });
    out.push(d(
        "role-build",
        ResourceKind::Role,
        &n.build_role,
        json!({
            "trust": "codebuild.amazonaws.com",
            "managed_policies": [],
            "inline_policy": build_policy,
        }),
        &[],
        "CodeBuild's identity: push to this app's ECR repository, write its build logs, read and write the artifact bucket. Nothing else.",
    ));
    let platform = &spec.image.platform;
    out.push(d(
        "build",
        ResourceKind::BuildProject,
        &n.build_project,
        json!({
            "service_role": "${role-build.arn}",
            "image": p.build.image_for(platform),
            "environment_type": if platform.ends_with("arm64") { "ARM_CONTAINER" } else { "LINUX_CONTAINER" },
            "compute_type": p.build.compute_type.aws_name(),
            "privileged": true,
            "buildspec": BUILDSPEC_FILE,
            "log_group": n.build_log_group,
            "timeout_minutes": p.build.timeout_minutes,
            "environment": [{"name": "REPOSITORY_URI", "value": repository_uri(spec, ctx)}],
        }),
        &["role-build", "build-logs"],
        "Builds the image from the source with buildspec.yml (privileged, so Docker runs), pushes it and writes imagedefinitions.json.",
    ));
    if p.deploy.smoke_test {
        out.push(d(
            "smoke-logs",
            ResourceKind::LogGroup,
            &n.smoke_log_group,
            json!({ "retention_days": spec.service.log_retention_days }),
            &[],
            "Keeps the smoke test's output.",
        ));
        pipeline_deps.push("smoke-logs");
    }

    // The pipeline may pass only the roles the task definition uses, and only to ECS tasks.
    let mut pass = vec![format!(
        "arn:{part}:iam::{account}:role/{}",
        svc.execution_role
    )];
    if spec.service.task_role {
        pass.push(format!("arn:{part}:iam::{account}:role/{}", svc.task_role));
    }
    let mut statements = vec![
        json!({
            "Sid": "Artifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            "Resource": [format!("{bucket_arn}/*")],
        }),
        json!({
            "Sid": "ArtifactBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"],
            "Resource": [bucket_arn.clone()],
        }),
        json!({
            "Sid": "Build",
            "Effect": "Allow",
            "Action": ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
            "Resource": [format!("arn:{part}:codebuild:{region}:{account}:project/{}", n.build_project)],
        }),
        json!({
            "Sid": "DeployService",
            "Effect": "Allow",
            "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
            "Resource": [format!("arn:{part}:ecs:{region}:{account}:service/{}/{}", svc.cluster, svc.service)],
        }),
        json!({
            // These ECS calls take no resource ARN (or one that does not exist yet).
            "Sid": "DeployTaskDefinition",
            "Effect": "Allow",
            "Action": ["ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:ListTasks", "ecs:RegisterTaskDefinition"],
            "Resource": ["*"],
        }),
        json!({
            "Sid": "TagTaskDefinition",
            "Effect": "Allow",
            "Action": ["ecs:TagResource"],
            "Resource": [format!("arn:{part}:ecs:{region}:{account}:task-definition/{}:*", svc.family)],
        }),
        json!({
            "Sid": "PassTaskRoles",
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": pass,
            "Condition": {"StringEqualsIfExists": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        }),
    ];
    let mut role_deps: Vec<&str> = Vec::new();
    match &p.source {
        SourceSpec::Github { .. } => {
            role_deps.push("connection");
            statements.push(json!({
                "Sid": "UseConnection",
                "Effect": "Allow",
                "Action": ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
                "Resource": ["${connection.arn}"],
            }));
        }
        SourceSpec::Codecommit { repository, .. } => statements.push(json!({
            "Sid": "ReadRepository",
            "Effect": "Allow",
            "Action": [
                "codecommit:CancelUploadArchive",
                "codecommit:GetBranch",
                "codecommit:GetCommit",
                "codecommit:GetRepository",
                "codecommit:GetUploadArchiveStatus",
                "codecommit:UploadArchive",
            ],
            "Resource": [format!("arn:{part}:codecommit:{region}:{account}:{repository}")],
        })),
        SourceSpec::S3 { .. } => {}
    }
    if p.deploy.smoke_test {
        statements.push(json!({
            "Sid": "SmokeTestLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [log_arn(&n.smoke_log_group), format!("{}:*", log_arn(&n.smoke_log_group))],
        }));
    }
    out.push(d(
        "role-pipeline",
        ResourceKind::Role,
        &n.pipeline_role,
        json!({
            "trust": "codepipeline.amazonaws.com",
            "managed_policies": [],
            "inline_policy": {"Version": "2012-10-17", "Statement": statements},
        }),
        &role_deps,
        "CodePipeline's identity: read the source, start this build, deploy this service, and pass only the task's roles to ECS.",
    ));

    let (provider, configuration) = source_config;
    let mut stages = vec![
        json!({"name": "Source", "actions": [action("Source", "Source", provider, 1, configuration, &[], &[SOURCE_ARTIFACT])]}),
        json!({"name": "Build", "actions": [action(
            "Build", "Build", "CodeBuild", 1,
            json!({"ProjectName": n.build_project}),
            &[SOURCE_ARTIFACT], &[BUILD_ARTIFACT],
        )]}),
    ];
    if p.deploy.approval {
        stages.push(json!({"name": "Approve", "actions": [action(
            "Approve", "Approval", "Manual", 1,
            json!({"CustomData": format!("Approve to deploy the new image of {app} to the ECS service {}.", svc.service)}),
            &[], &[],
        )]}));
    }
    let mut deploy_actions = vec![action(
        "Deploy",
        "Deploy",
        "ECS",
        1,
        json!({
            "ClusterName": svc.cluster,
            "ServiceName": svc.service,
            "FileName": IMAGE_DEFINITIONS,
            "DeploymentTimeout": p.deploy.timeout_minutes.to_string(),
        }),
        &[BUILD_ARTIFACT],
        &[],
    )];
    if p.deploy.smoke_test {
        let url = format!(
            "{}{}",
            ctx.service_url
                .clone()
                .unwrap_or_default()
                .trim_end_matches('/'),
            spec.app.health_path
        );
        let mut smoke = action(
            "SmokeTest",
            "Compute",
            "Commands",
            2,
            json!({}),
            &[BUILD_ARTIFACT],
            &[],
        );
        smoke["commands"] = json!([format!(
            "curl --fail --silent --show-error --retry 10 --retry-delay 6 --retry-all-errors --max-time 10 '{url}'"
        )]);
        deploy_actions.push(smoke);
    }
    stages.push(json!({"name": "Deploy", "actions": deploy_actions}));
    out.push(d(
        "pipeline",
        ResourceKind::Pipeline,
        &n.pipeline,
        json!({
            "role": "${role-pipeline.arn}",
            "pipeline_type": "V2",
            "execution_mode": "QUEUED",
            "artifact_bucket": "${artifacts.name}",
            "stages": stages,
        }),
        &pipeline_deps,
        "The pipeline (V2): every change goes Source → Build → Deploy (a rolling update of the service).",
    ));
    out
}

/// Every resource the project's pipeline could have (smoke test on; the connection when the
/// source is GitHub), so that ones the spec no longer wants are found and removed. A spec
/// without `[pipeline]` still looks for the S3-source pipeline's resources.
pub fn every_possible_pipeline_resource(spec: &ProjectSpec, ctx: &PipelineContext) -> Vec<Desired> {
    let mut all = spec.clone();
    let mut p = all.pipeline.clone().unwrap_or(crate::spec::PipelineSpec {
        source: SourceSpec::S3 { key: None },
        build: Default::default(),
        deploy: Default::default(),
    });
    p.deploy.smoke_test = true;
    all.pipeline = Some(p);
    pipeline_resources(&all, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::resource::references;

    fn spec(pipeline: &str) -> ProjectSpec {
        ProjectSpec::parse(&format!(
            "[app]\nname = \"shop\"\nport = 8080\nhealth_path = \"/health\"\n{pipeline}"
        ))
        .unwrap()
    }

    fn ctx() -> PipelineContext {
        PipelineContext {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            service_url: Some("http://shop-1.us-east-1.elb.amazonaws.com".into()),
            source_archive: Some(SourceArchive {
                file: "/tmp/shop.zip".into(),
                sha256: "ab".repeat(32),
                bytes: 10,
            }),
        }
    }

    fn keys(r: &[Desired]) -> Vec<&str> {
        r.iter().map(|d| d.key.as_str()).collect()
    }

    fn get<'a>(r: &'a [Desired], key: &str) -> &'a Desired {
        r.iter()
            .find(|d| d.key == key)
            .unwrap_or_else(|| panic!("{key}"))
    }

    #[test]
    fn names_fit_aws_limits_and_the_bucket_is_unique_per_account_and_region() {
        let n = PipelineNames::for_app(
            "a-very-long-application-name-xyz",
            "123456789012",
            "ap-southeast-1",
        );
        assert!(n.bucket.len() <= 63, "{}", n.bucket);
        assert!(
            n.bucket.ends_with("-pipeline-123456789012-ap-southeast-1"),
            "{}",
            n.bucket
        );
        crate::names::check(crate::names::NameKind::S3Bucket, &n.bucket).unwrap();
        crate::names::check(crate::names::NameKind::CodeBuildProject, &n.build_project).unwrap();
        crate::names::check(crate::names::NameKind::Pipeline, &n.pipeline).unwrap();
        crate::names::check(crate::names::NameKind::IamRole, &n.pipeline_role).unwrap();
        crate::names::check(crate::names::NameKind::IamRole, &n.build_role).unwrap();
    }

    #[test]
    fn no_pipeline_section_wants_nothing() {
        assert!(pipeline_resources(&spec(""), &ctx()).is_empty());
    }

    #[test]
    fn the_s3_graph_has_every_resource_and_references_only_earlier_ones() {
        let r = pipeline_resources(&spec("[pipeline.source]\nkind = \"s3\"\n"), &ctx());
        assert_eq!(
            keys(&r),
            vec![
                "artifacts",
                "source",
                "build-logs",
                "role-build",
                "build",
                "role-pipeline",
                "pipeline"
            ]
        );
        for (i, d) in r.iter().enumerate() {
            for dep in d.deps.iter().chain(references(&d.props).iter()) {
                let at = r
                    .iter()
                    .position(|x| &x.key == dep)
                    .unwrap_or_else(|| panic!("{} → {dep}", d.key));
                assert!(at < i, "{} refers to {dep}, which comes later", d.key);
                assert!(
                    d.deps.contains(dep),
                    "{} refers to {dep} without depending on it",
                    d.key
                );
            }
        }
    }

    #[test]
    fn the_pipeline_is_v2_with_source_build_and_an_ecs_deploy_of_the_service() {
        let r = pipeline_resources(&spec("[pipeline.source]\nkind = \"s3\"\n"), &ctx());
        let p = &get(&r, "pipeline").props;
        assert_eq!(p["pipeline_type"], "V2");
        let stages: Vec<&str> = p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(stages, vec!["Source", "Build", "Deploy"]);
        let source = &p["stages"][0]["actions"][0];
        assert_eq!(source["provider"], "S3");
        assert_eq!(source["configuration"]["S3ObjectKey"], "source/shop.zip");
        assert_eq!(source["output_artifacts"][0], SOURCE_ARTIFACT);
        let build = &p["stages"][1]["actions"][0];
        assert_eq!(build["configuration"]["ProjectName"], "shop-build");
        assert_eq!(build["input_artifacts"][0], SOURCE_ARTIFACT);
        let deploy = &p["stages"][2]["actions"][0];
        assert_eq!(deploy["provider"], "ECS");
        assert_eq!(deploy["configuration"]["ClusterName"], "shop");
        assert_eq!(deploy["configuration"]["ServiceName"], "shop");
        assert_eq!(deploy["configuration"]["FileName"], "imagedefinitions.json");
        assert_eq!(deploy["input_artifacts"][0], BUILD_ARTIFACT);
        let b = &get(&r, "build").props;
        assert_eq!(b["privileged"], true);
        assert_eq!(b["image"], "aws/codebuild/standard:7.0");
        assert_eq!(
            b["environment"][0]["value"],
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"
        );
        let bucket = &get(&r, "artifacts").props;
        assert_eq!(bucket["public_access_block"], true);
        assert_eq!(bucket["encryption"], "AES256");
        assert_eq!(bucket["versioning"], "Enabled");
    }

    #[test]
    fn roles_grant_only_this_apps_resources_and_pass_only_the_task_roles() {
        let r = pipeline_resources(
            &spec("[service]\ntask_role = true\n[pipeline.source]\nkind = \"s3\"\n"),
            &ctx(),
        );
        let build = &get(&r, "role-build").props["inline_policy"]["Statement"];
        let push = build
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "EcrPush")
            .unwrap();
        assert_eq!(
            push["Resource"],
            json!(["arn:aws:ecr:us-east-1:123456789012:repository/shop"])
        );
        for s in build.as_array().unwrap() {
            if s["Resource"] == json!(["*"]) {
                assert_eq!(
                    s["Action"],
                    json!(["ecr:GetAuthorizationToken"]),
                    "only the login is unscoped"
                );
            }
        }
        let pl = get(&r, "role-pipeline").props["inline_policy"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
        let pass = pl.iter().find(|s| s["Sid"] == "PassTaskRoles").unwrap();
        assert_eq!(
            pass["Resource"],
            json!([
                "arn:aws:iam::123456789012:role/shop-exec",
                "arn:aws:iam::123456789012:role/shop-task"
            ])
        );
        assert_eq!(
            pass["Condition"]["StringEqualsIfExists"]["iam:PassedToService"],
            "ecs-tasks.amazonaws.com"
        );
        for s in &pl {
            assert!(
                !s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a.as_str().unwrap().ends_with(":*")),
                "{s}"
            );
        }
    }

    #[test]
    fn github_adds_a_connection_the_role_may_use_and_approval_and_smoke_test_add_their_steps() {
        let r = pipeline_resources(
            &spec("[pipeline.source]\nkind = \"github\"\nconnection = \"octo\"\nrepository = \"octo/shop\"\n[pipeline.deploy]\napproval = true\nsmoke_test = true\n"),
            &ctx(),
        );
        assert_eq!(
            keys(&r),
            vec![
                "artifacts",
                "connection",
                "build-logs",
                "role-build",
                "build",
                "smoke-logs",
                "role-pipeline",
                "pipeline"
            ]
        );
        let p = &get(&r, "pipeline").props;
        let source = &p["stages"][0]["actions"][0];
        assert_eq!(source["provider"], "CodeStarSourceConnection");
        assert_eq!(
            source["configuration"]["ConnectionArn"],
            "${connection.arn}"
        );
        assert_eq!(source["configuration"]["FullRepositoryId"], "octo/shop");
        assert_eq!(source["configuration"]["BranchName"], "main");
        let stages: Vec<&str> = p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(stages, vec!["Source", "Build", "Approve", "Deploy"]);
        let smoke = &p["stages"][3]["actions"][1];
        assert_eq!(smoke["provider"], "Commands");
        assert_eq!(smoke["run_order"], 2);
        assert!(smoke["commands"][0]
            .as_str()
            .unwrap()
            .contains("http://shop-1.us-east-1.elb.amazonaws.com/health"));
        assert!(get(&r, "role-pipeline")
            .deps
            .contains(&"connection".to_string()));
        let every =
            every_possible_pipeline_resource(&spec("[pipeline.source]\nkind = \"s3\"\n"), &ctx());
        assert!(keys(&every).contains(&"smoke-logs"));
        assert!(keys(&every_possible_pipeline_resource(&spec(""), &ctx())).contains(&"pipeline"));
    }
}
