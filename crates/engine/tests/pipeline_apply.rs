//! Step 5 against moto over real HTTP: with the step-4 service applied first, pipeline apply
//! creates the artifact bucket (versioned, encrypted, private, tagged), the source archive, the
//! CodeBuild project and its log group, both roles and a V2 pipeline whose Deploy stage targets
//! the service; applying again is a no-op; new code is uploaded as a new version and a run is
//! started and listed; destroy leaves nothing of the pipeline, and then nothing of the project.

use slipway_core::journal::{MemoryJournal, RunLog};
use slipway_core::plan::pipeline::PipelineNames;
use slipway_core::plan::Action;
use slipway_core::spec::ProjectSpec;
use slipway_core::ErrorCode;
use slipway_docker::CancellationToken;
use slipway_engine::apply::DEFAULT_CONCURRENCY;
use slipway_engine::deploy::{apply_change, destroy, plan_destroy, plan_service};
use slipway_engine::pipeline::{
    apply_pipeline, destroy_pipeline, plan_pipeline, plan_pipeline_destroy, runs,
};
use std::io::Read;
use std::sync::Arc;

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}",
        (std::process::id() as u64 * 1_000_000_007 + nanos as u64) % 1_000_000
    )
}

async fn practice() -> (
    slipway_aws::Connection,
    Arc<slipway_store::Store>,
    tempfile::TempDir,
) {
    let stack = slipway_core::connection::PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(dir.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    (conn, store, dir)
}

fn spec(name: &str, extra: &str) -> ProjectSpec {
    ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 1\n{extra}"
    ))
    .unwrap()
}

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app";
const S3_SOURCE: &str = "[pipeline.source]\nkind = \"s3\"\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn app_folder() -> tempfile::TempDir {
    project(&[
        (
            "Dockerfile",
            "FROM slipway/base:practice\nCOPY app.py /app.py\n",
        ),
        ("app.py", "print('hello')\n"),
        (".gitignore", "*.log\n"),
        ("debug.log", "not for the build\n"),
    ])
}

async fn apply_service(conn: &slipway_aws::Connection, store: &dyn RunLog, s: &ProjectSpec) {
    let change = plan_service(conn, s, &format!("{IMAGE}:v1")).await.unwrap();
    let report = apply_change(
        conn,
        store,
        &s.app.name,
        &change,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
}

fn changing(p: &slipway_core::plan::Plan) -> Vec<(&str, Action)> {
    p.steps
        .iter()
        .filter(|s| s.action.changes())
        .map(|s| (s.key.as_str(), s.action))
        .collect()
}

async fn source_archive_names(
    conn: &slipway_aws::Connection,
    bucket: &str,
    key: &str,
) -> Vec<String> {
    let out = conn
        .s3()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    let bytes = out.body.collect().await.unwrap().into_bytes();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    names.sort();
    let mut buildspec = String::new();
    z.by_name("buildspec.yml")
        .unwrap()
        .read_to_string(&mut buildspec)
        .unwrap();
    slipway_core::buildspec::check(
        &buildspec,
        key.trim_start_matches("source/").trim_end_matches(".zip"),
    )
    .unwrap();
    names
}

#[tokio::test]
async fn pipeline_apply_is_wired_to_the_service_then_noop_then_destroy_to_zero() {
    let (conn, store, _data) = practice().await;
    let name = unique("pipe");
    let s = spec(&name, S3_SOURCE);
    let folder = app_folder();
    let scratch = tempfile::tempdir().unwrap();
    apply_service(&conn, store.as_ref(), &s).await;

    // Nothing of the pipeline exists: every resource is created, each with its calls.
    let change = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap();
    assert_eq!(
        changing(&change.plan),
        vec![
            ("artifacts", Action::Create),
            ("source", Action::Create),
            ("build-logs", Action::Create),
            ("role-build", Action::Create),
            ("build", Action::Create),
            ("role-pipeline", Action::Create),
            ("pipeline", Action::Create),
        ]
    );
    let calls = |k: &str| change.plan.step(k).unwrap().calls.clone();
    assert!(calls("pipeline").contains(&"codepipeline:CreatePipeline".to_string()));
    assert!(calls("build").contains(&"codebuild:CreateProject".to_string()));
    assert!(calls("artifacts").contains(&"s3:PutPublicAccessBlock".to_string()));
    assert!(calls("source").contains(&"s3:PutObject".to_string()));

    let outcome = apply_pipeline(
        &conn,
        store.as_ref(),
        &s,
        &change,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(outcome.report.succeeded(), "{:?}", outcome.report.failed);
    assert_eq!(outcome.report.done.len(), 7);
    assert_eq!(
        outcome.started_run, None,
        "a new pipeline starts its own first run"
    );
    assert_eq!(outcome.connection, None);
    assert!(outcome.cost.monthly > 0.0);

    let account = conn.identity().await.unwrap().account;
    let n = PipelineNames::for_app(&name, &account, &conn.region);
    let tag_of = |tags: Vec<(String, String)>| {
        tags.into_iter()
            .find(|(k, _)| k == slipway_core::plan::PROJECT_TAG)
            .map(|(_, v)| v)
    };

    // The bucket: versioned, encrypted, private, tagged; the archive honours .gitignore.
    let s3 = conn.s3();
    // (moto answers GetBucketVersioning with a root element the SDK refuses: the engine's
    // observation reads it, checked below, and two uploads make two versions.)
    let e = s3
        .get_bucket_encryption()
        .bucket(&n.bucket)
        .send()
        .await
        .unwrap();
    let rule = &e.server_side_encryption_configuration().unwrap().rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm()
            .as_str(),
        "AES256"
    );
    let pab = s3
        .get_public_access_block()
        .bucket(&n.bucket)
        .send()
        .await
        .unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            pab.block_public_acls(),
            pab.ignore_public_acls(),
            pab.block_public_policy(),
            pab.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let t = s3
        .get_bucket_tagging()
        .bucket(&n.bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tag_of(
            t.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        ),
        Some(name.clone())
    );
    let key = format!("source/{name}.zip");
    assert_eq!(
        source_archive_names(&conn, &n.bucket, &key).await,
        vec![".gitignore", "Dockerfile", "app.py", "buildspec.yml"]
    );

    // The build project: privileged, the standard image, CodePipeline in and out, tagged.
    let projects = conn
        .codebuild()
        .batch_get_projects()
        .names(&n.build_project)
        .send()
        .await
        .unwrap();
    let p = &projects.projects()[0];
    let env = p.environment().unwrap();
    assert_eq!(env.privileged_mode(), Some(true));
    assert_eq!(env.image(), "aws/codebuild/standard:7.0");
    assert_eq!(p.source().unwrap().r#type().as_str(), "CODEPIPELINE");
    assert_eq!(p.artifacts().unwrap().r#type().as_str(), "CODEPIPELINE");
    assert!(p
        .service_role()
        .unwrap()
        .ends_with(&format!("role/{}", n.build_role)));
    assert_eq!(
        tag_of(
            p.tags()
                .iter()
                .map(|t| (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string()
                ))
                .collect()
        ),
        Some(name.clone())
    );

    // The pipeline: V2, Source → Build → Deploy, the ECS action on the step-4 service, tagged.
    let got = conn
        .codepipeline()
        .get_pipeline()
        .name(&n.pipeline)
        .send()
        .await
        .unwrap();
    let decl = got.pipeline().unwrap();
    assert_eq!(decl.pipeline_type().map(|t| t.as_str()), Some("V2"));
    let stages: Vec<&str> = decl.stages().iter().map(|s| s.name()).collect();
    assert_eq!(stages, vec!["Source", "Build", "Deploy"]);
    let deploy = &decl.stages()[2].actions()[0];
    assert_eq!(deploy.action_type_id().unwrap().provider(), "ECS");
    let cfg = deploy.configuration().unwrap();
    assert_eq!(cfg["ClusterName"], name);
    assert_eq!(cfg["ServiceName"], name);
    assert_eq!(cfg["FileName"], "imagedefinitions.json");
    let source = &decl.stages()[0].actions()[0];
    assert_eq!(source.configuration().unwrap()["S3Bucket"], n.bucket);
    assert!(decl
        .role_arn()
        .ends_with(&format!("role/{}", n.pipeline_role)));
    let arn = got.metadata().unwrap().pipeline_arn().unwrap();
    let tags = conn
        .codepipeline()
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tag_of(
            tags.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        ),
        Some(name.clone())
    );
    for role in [&n.build_role, &n.pipeline_role] {
        let tags = conn
            .iam()
            .list_role_tags()
            .role_name(role)
            .send()
            .await
            .unwrap();
        assert_eq!(
            tag_of(
                tags.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            ),
            Some(name.clone()),
            "{role}"
        );
    }

    // Applying again changes nothing.
    let again = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap();
    assert!(again.plan.is_noop(), "{:#?}", changing(&again.plan));
    assert_eq!(again.observed["artifacts"].props["versioning"], "Enabled");
    assert_eq!(
        again.observed["artifacts"].props["public_access_block"],
        true
    );

    // New code: only the archive changes; it is uploaded and a run starts and is listed.
    std::fs::write(folder.path().join("app.py"), "print('hello again')\n").unwrap();
    let update = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap();
    assert_eq!(changing(&update.plan), vec![("source", Action::Update)]);
    let outcome = apply_pipeline(
        &conn,
        store.as_ref(),
        &s,
        &update,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(outcome.report.succeeded(), "{:?}", outcome.report.failed);
    let started = outcome.started_run.expect("a run after the upload");
    let versions = s3
        .list_object_versions()
        .bucket(&n.bucket)
        .prefix(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 2, "each upload is a version");
    let manual = runs::start(&conn, &s).await.unwrap();
    let listed = runs::list(&conn, &s, 10).await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec![manual.as_str(), started.as_str()], "newest first");
    assert_eq!(listed[0].trigger.as_deref(), Some("StartPipelineExecution"));
    let status = runs::status(&conn, &s).await.unwrap();
    assert_eq!(status.runs.len(), 2);
    assert_eq!(
        status.stages_unavailable.map(|e| e.code),
        Some(ErrorCode::PracticeUnsupported),
        "moto has no GetPipelineState: said, not guessed"
    );
    // The run drawn: the declared stages, in order, with unknown states and the reason.
    let drawn = slipway_engine::pipeline::view::run_view(&conn, &s, Some(&manual))
        .await
        .unwrap();
    assert_eq!(drawn.run.id, manual);
    let stages: Vec<&str> = drawn.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(stages, vec!["Source", "Build", "Deploy"]);
    assert!(drawn
        .stages
        .iter()
        .all(|s| s.state == slipway_engine::pipeline::view::NodeState::Unknown));
    assert_eq!(
        drawn.actions_unavailable.map(|e| e.code),
        Some(ErrorCode::PracticeUnsupported)
    );
    assert_eq!(drawn.failure, None);
    let providers: Vec<&str> = drawn
        .stages
        .iter()
        .flat_map(|s| s.actions.iter().map(|a| a.provider.as_str()))
        .collect();
    assert_eq!(providers, vec!["S3", "CodeBuild", "ECS"]);
    // Stop and retry are refused with the reason, not a raw emulator error.
    let stop = slipway_engine::pipeline::view::stop(&conn, &s, &manual, false)
        .await
        .unwrap_err();
    assert_eq!(stop.code, ErrorCode::PracticeUnsupported, "{stop:?}");

    // Pipeline destroy: the pipeline's resources go, the bucket emptied first; the service stays.
    let gone = plan_pipeline_destroy(&conn, store.as_ref(), &s)
        .await
        .unwrap();
    assert!(gone.plan.steps.iter().all(|s| s.action == Action::Delete));
    let mut keys: Vec<&str> = gone.plan.steps.iter().map(|s| s.key.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "artifacts",
            "build",
            "build-logs",
            "pipeline",
            "role-build",
            "role-pipeline",
            "source"
        ]
    );
    let (report, left) = destroy_pipeline(
        &conn,
        store.as_ref(),
        &s,
        &gone,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(
        s3.head_bucket().bucket(&n.bucket).send().await.is_err(),
        "the bucket is gone"
    );
    let projects = conn
        .codebuild()
        .batch_get_projects()
        .names(&n.build_project)
        .send()
        .await
        .unwrap();
    assert!(projects.projects().is_empty());
    let pipelines = conn.codepipeline().list_pipelines().send().await.unwrap();
    assert!(!pipelines
        .pipelines()
        .iter()
        .any(|p| p.name() == Some(n.pipeline.as_str())));
    for role in [&n.build_role, &n.pipeline_role] {
        assert!(
            conn.iam().get_role().role_name(role).send().await.is_err(),
            "{role}"
        );
    }
    let service = slipway_engine::deploy::service_ref(&conn, &s)
        .await
        .unwrap();
    assert!(service.target_group.is_some(), "the service is untouched");

    // And the project's destroy finds nothing of the pipeline and removes the service.
    let all = plan_destroy(&conn, store.as_ref(), &s, false)
        .await
        .unwrap();
    assert!(!all
        .plan
        .steps
        .iter()
        .any(|s| slipway_engine::pipeline::PIPELINE_KINDS.contains(&s.kind)));
    let (report, left) = destroy(
        &conn,
        store.as_ref(),
        &s,
        &all,
        false,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(store
        .owned_by(&name, &conn.profile, &conn.region)
        .is_empty());
}

#[tokio::test]
async fn the_project_destroy_removes_the_pipeline_with_the_service() {
    let (conn, store, _data) = practice().await;
    let name = unique("pall");
    let s = spec(
        &name,
        "[pipeline.source]\nkind = \"s3\"\n[pipeline.deploy]\napproval = true\nsmoke_test = true\n",
    );
    let folder = app_folder();
    let scratch = tempfile::tempdir().unwrap();
    apply_service(&conn, store.as_ref(), &s).await;
    let change = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap();
    let outcome = apply_pipeline(
        &conn,
        store.as_ref(),
        &s,
        &change,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(outcome.report.succeeded(), "{:?}", outcome.report.failed);
    let observed = &plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap();
    assert!(observed.plan.is_noop(), "{:#?}", changing(&observed.plan));
    let stages: Vec<String> = observed.observed["pipeline"].props["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stages, vec!["Source", "Build", "Approve", "Deploy"]);

    let all = plan_destroy(&conn, store.as_ref(), &s, false)
        .await
        .unwrap();
    let pipeline_steps = all
        .plan
        .steps
        .iter()
        .filter(|s| {
            slipway_engine::pipeline::PIPELINE_KINDS.contains(&s.kind)
                || s.key.ends_with("-logs")
                || s.key.starts_with("role-")
        })
        .count();
    assert!(
        pipeline_steps >= 8,
        "{:#?}",
        all.plan.steps.iter().map(|s| &s.key).collect::<Vec<_>>()
    );
    let (report, left) = destroy(
        &conn,
        store.as_ref(),
        &s,
        &all,
        false,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[tokio::test]
async fn what_cannot_work_is_refused_with_the_reason_before_anything_is_created() {
    let (conn, _store, _data) = practice().await;
    let journal = Arc::new(MemoryJournal::default());
    let conn = slipway_aws::Connection::practice(
        &slipway_core::connection::PracticeStack::from_env(),
        Some(conn.region.clone()),
        journal.clone(),
    );
    let name = unique("nope");
    let scratch = tempfile::tempdir().unwrap();
    let folder = app_folder();

    // No [pipeline] section.
    let err = plan_pipeline(&conn, &spec(&name, ""), folder.path(), scratch.path())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SpecInvalid);

    // GitHub needs CodeConnections, which the emulator lacks.
    let github = spec(
        &name,
        "[pipeline.source]\nkind = \"github\"\nconnection = \"octo\"\nrepository = \"octo/shop\"\n",
    );
    let err = plan_pipeline(&conn, &github, folder.path(), scratch.path())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PracticeUnsupported);
    assert!(err.hint.contains("kind = \"s3\""), "{}", err.hint);

    // An edited buildspec that names another container.
    let s = spec(&name, S3_SOURCE);
    let edited = slipway_core::buildspec::generate(&s)
        .replace(&format!("CONTAINER_NAME: {name}"), "CONTAINER_NAME: web");
    std::fs::write(folder.path().join("buildspec.yml"), &edited).unwrap();
    let err = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ContainerNameMismatch);
    std::fs::write(
        folder.path().join("buildspec.yml"),
        "version: 0.2\nphases:\n\tbuild: {}\n",
    )
    .unwrap();
    let err = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BuildspecInvalid);
    assert!(err.message.contains("line 3"), "{}", err.message);
    assert!(journal.records().is_empty(), "no AWS call so far");
    std::fs::remove_file(folder.path().join("buildspec.yml")).unwrap();

    // The service is not deployed.
    let err = plan_pipeline(&conn, &s, folder.path(), scratch.path())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ServiceNotDeployed);
    assert!(err.hint.contains("slipway apply"), "{}", err.hint);
}
