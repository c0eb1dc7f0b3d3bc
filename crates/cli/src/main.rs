//! `slipway`: the headless face of Slipway's engine. Same operations as the desktop app, with
//! exit codes and `--json` output that scripts can rely on.
//!
//! Exit codes: 0 success; 1 the operation ran and found a failure (a doctor check failed);
//! 2 bad usage or input; 3 the environment is not usable (store, config files).

mod export;
mod lab;
mod local;
mod output;
mod pipeline;
mod registry;
mod service;

use clap::{Parser, Subcommand};
use slipway_aws::connection::ConnectRequest;
use slipway_core::connection::{PracticeStack, PRACTICE_PROFILE};

// The CLI shares the desktop app's data folder: same identifier, same rule.
use slipway_core::ErrorBody;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The app identifier: the CLI shares the desktop app's data folder.
const APP_IDENTIFIER: &str = "dev.slipway.desktop";

#[derive(Parser, Debug)]
#[command(
    name = "slipway",
    version,
    about = "From a folder of code to a monitored AWS container deployment"
)]
struct Cli {
    /// The connection profile: `practice` (the local practice stack) or an AWS profile name.
    #[arg(long, global = true, env = "SLIPWAY_PROFILE", default_value = PRACTICE_PROFILE)]
    profile: String,
    /// The AWS region, overriding the profile's own.
    #[arg(long, global = true)]
    region: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Where Slipway keeps its store (defaults to the platform's app-data folder).
    #[arg(long, global = true, env = "SLIPWAY_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check Docker, the AWS settings and the practice stack, with a fix for each failure.
    Doctor,
    /// List the connection profiles Slipway can use.
    Profiles,
    /// Lint a Dockerfile (hadolint's rules, with the same ids).
    Lint {
        /// The Dockerfile to lint.
        #[arg(default_value = "Dockerfile")]
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = output::LintFormat::Text)]
        format: output::LintFormat,
        /// The port the service sends traffic to (enables Slipway's EXPOSE check).
        #[arg(long)]
        port: Option<u16>,
        /// The platform the service runs, e.g. linux/amd64 (enables the platform check).
        #[arg(long)]
        platform: Option<String>,
    },
    /// The build context: what `docker build` would send.
    #[command(subcommand)]
    Context(ContextCommand),
    /// Detect the app's stack, write a Dockerfile, .dockerignore and slipway.toml (shows what
    /// changes; never replaces a file of yours unless you name it with --force).
    Init {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The app's name (names every AWS resource); defaults to the folder's name.
        #[arg(long)]
        name: Option<String>,
        /// The port the app listens on, when the code does not show it.
        #[arg(long)]
        port: Option<u16>,
        /// The path that answers 200 when the app is healthy.
        #[arg(long)]
        health_path: Option<String>,
        /// linux/amd64 (Fargate's default) or linux/arm64 (Graviton).
        #[arg(long)]
        platform: Option<String>,
        /// Show what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace these existing files (after you have read the diff).
        #[arg(long, num_args = 1..)]
        force: Vec<String>,
    },
    /// Build the project's image with the local Docker engine, step by step.
    Build {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Build for this platform instead of the spec's.
        #[arg(long)]
        platform: Option<String>,
        /// Use this tag instead of the tag policy's.
        #[arg(long)]
        tag: Option<String>,
        /// Do not use the build cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Run the project's image locally on 127.0.0.1 and smoke-test its health path.
    Run {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The image to run; defaults to <app name>:latest.
        #[arg(long)]
        image: Option<String>,
        /// The port on 127.0.0.1 to publish the app on; defaults to the app's port when free.
        #[arg(long)]
        host_port: Option<u16>,
        /// Seconds to wait for the health path to answer.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Leave the container running after the smoke test instead of following its logs.
        #[arg(long)]
        detach: bool,
    },
    /// Push a local build (default: the newest) to the project's ECR repository, creating it.
    Push {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The local image to push, e.g. shop-api:1a2b3c4.
        #[arg(long)]
        image: Option<String>,
    },
    /// List the images in the project's ECR repository, with their scan results.
    Images {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Show what apply would create, change or delete for the service, with its cost.
    Plan {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The image to deploy (default: the newest tag in the project's ECR repository).
        #[arg(long)]
        image: Option<String>,
    },
    /// Create or update the service behind a load balancer, then wait until it is steady.
    Apply {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The image to deploy (default: the newest tag in the project's ECR repository).
        #[arg(long)]
        image: Option<String>,
        /// Apply without asking (for scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// How many steps run at once.
        #[arg(long, default_value_t = slipway_engine::apply::DEFAULT_CONCURRENCY)]
        concurrency: usize,
        /// Do not wait for the service to become steady.
        #[arg(long)]
        no_wait: bool,
        /// Seconds to wait for steady state.
        #[arg(long, default_value_t = 900)]
        timeout: u64,
    },
    /// Delete everything the project created (found by name, tag and run log), then check.
    Destroy {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Delete without asking (for scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Keep the log group (the app's logs).
        #[arg(long)]
        keep_logs: bool,
        /// Keep the ECR repository and its images.
        #[arg(long)]
        keep_repository: bool,
        /// How many deletions run at once.
        #[arg(long, default_value_t = slipway_engine::apply::DEFAULT_CONCURRENCY)]
        concurrency: usize,
    },
    /// Step 5: the CodePipeline that rebuilds and redeploys the service on every change.
    #[command(subcommand)]
    Pipeline(PipelineCommand),
    /// The service now: deployments, tasks, targets, events, and what is wrong explained.
    Status {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Watch the service: looked at again fast while it moves and slowly when steady (within
    /// a call budget), with what is wrong explained and milestones announced; Ctrl-C stops.
    Watch {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write the project's service for another deployment tool (offline: slipway.toml only).
    #[command(subcommand)]
    Export(ExportCommand),
    /// The study group's labs: list them, check a project against one, print what Slipway did
    /// as AWS CLI commands.
    #[command(subcommand)]
    Lab(LabCommand),
}

#[derive(Subcommand, Debug)]
enum ExperimentCommand {
    /// Stops the oldest running task of the service: watch the service replace it.
    StopTask {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Sends a bounded number of GETs to the service's URL (in practice mode, to the app
    /// running locally), printing progress and a summary.
    LoadTest {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The URL (default: the service's, or the local app's in practice mode).
        #[arg(long)]
        url: Option<String>,
        /// How many requests (1–5000).
        #[arg(long, default_value_t = 500)]
        requests: u32,
        /// How many at once (1–20).
        #[arg(long, default_value_t = 10)]
        concurrency: u32,
    },
    /// Deploys a revision whose image does not exist: ECS cannot pull it and the circuit
    /// breaker rolls back. `slipway watch` shows it; `slipway apply` restores the service.
    BadDeploy {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum LabCommand {
    /// The built-in labs.
    List {
        /// vi or en.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Runs a lab's checks (or one step's) against the project's real state.
    Check {
        /// The lab's id (see `slipway lab list`).
        lab: String,
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only this step.
        #[arg(long)]
        step: Option<String>,
        /// The answer (0-based) to the step's question.
        #[arg(long, requires = "step")]
        answer: Option<u32>,
        /// vi or en.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// The labs' experiments on the project's service: stop one task (HA), a bounded load
    /// test, a deliberately broken deploy (the circuit breaker rolls it back).
    Experiment {
        #[command(subcommand)]
        which: ExperimentCommand,
    },
    /// A report of the lab (each step's latest check and its evidence) in Markdown, for the
    /// weekly worklog.
    Report {
        /// The lab's id.
        lab: String,
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// vi or en.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Write it to this file (atomically) instead of printing it.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// The AWS calls that changed something, oldest first, as AWS CLI commands.
    Commands {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Also the calls that only read.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// A CloudFormation template (JSON) of the same resources `slipway` deploys.
    Cloudformation {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The image the service runs (<repository URI>:<tag>), the Image parameter's default;
        /// without it, whoever deploys the stack gives one.
        #[arg(long)]
        image: Option<String>,
        /// Write the template to this file (atomically) instead of printing it.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum PipelineCommand {
    /// Show what apply would create, change or delete for the pipeline, with its cost.
    Plan {
        /// The project folder (with slipway.toml and its [pipeline] section).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create or update the pipeline (and, for the S3 source, upload the project folder).
    Apply {
        /// The project folder (with slipway.toml and its [pipeline] section).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Apply without asking (for scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// How many steps run at once.
        #[arg(long, default_value_t = slipway_engine::apply::DEFAULT_CONCURRENCY)]
        concurrency: usize,
    },
    /// Delete the pipeline, its build project, roles, bucket (emptied) and connection; the
    /// service stays.
    Destroy {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Delete without asking (for scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// How many deletions run at once.
        #[arg(long, default_value_t = slipway_engine::apply::DEFAULT_CONCURRENCY)]
        concurrency: usize,
    },
    /// Print the buildspec.yml Slipway writes, write it (--write), or check yours (--check).
    Buildspec {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write it to the project folder (never over a different file without --force).
        #[arg(long)]
        write: bool,
        /// Replace a buildspec.yml that differs (your edits are lost).
        #[arg(long, requires = "write")]
        force: bool,
        /// Check the project's buildspec.yml instead (YAML, phases, artifact, container name).
        #[arg(long, conflicts_with = "write")]
        check: bool,
    },
    /// Start a run of the pipeline.
    Run {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// The latest runs, and the stages, actions and build phases of one (the latest unless
    /// --run), with a failure explained.
    Status {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The run to show (an id from the list); the latest when absent.
        #[arg(long)]
        run: Option<String>,
    },
    /// The log of a run's build (CloudWatch Logs); --follow keeps printing until it ends.
    Logs {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The run whose build to show; the latest when absent.
        #[arg(long)]
        run: Option<String>,
        /// Keep printing new lines until the build ends.
        #[arg(long, short = 'f')]
        follow: bool,
    },
    /// Stop a run in progress (the actions running finish first unless --abandon).
    Stop {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The run to stop; the latest when absent.
        #[arg(long)]
        run: Option<String>,
        /// Stop at once, abandoning the actions in progress.
        #[arg(long)]
        abandon: bool,
    },
    /// Retry the failed stage of a failed run (only its failed actions run again).
    Retry {
        /// The project folder (with slipway.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The failed run; the latest when absent.
        #[arg(long)]
        run: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ContextCommand {
    /// Print the files the context sends, one per line, sorted (.dockerignore applied).
    Ls {
        /// The context folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The Dockerfile, relative to the context folder (always sent).
        #[arg(long, short = 'f', default_value = "Dockerfile")]
        dockerfile: String,
    },
}

/// What the CLI tells the shell.
pub enum Outcome {
    Success,
    Failed,
    BadInput,
    Environment,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(match o {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::BadInput => 2,
            Outcome::Environment => 3,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    {
        use tracing_subscriber::prelude::*;
        // The SDK's wire-level TRACE carries secrets: capped whatever SLIPWAY_LOG asks.
        let cap = slipway_aws::WIRE_LOG_TARGETS.iter().fold(
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing_subscriber::filter::LevelFilter::TRACE),
            |t, target| t.with_target(*target, tracing_subscriber::filter::LevelFilter::DEBUG),
        );
        let filter = tracing_subscriber::EnvFilter::try_from_env("SLIPWAY_LOG")
            .unwrap_or_else(|_| "warn".into());
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_filter(filter)
                    .with_filter(cap),
            )
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Outcome::Environment.into();
        }
    };
    runtime.block_on(run(cli)).into()
}

fn data_dir(cli: &Cli) -> Option<PathBuf> {
    cli.data_dir
        .clone()
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
}

/// The store in the data folder (shared with the desktop app): the journal of AWS calls.
fn open_store(dir: Option<PathBuf>) -> Result<Arc<slipway_store::Store>, ErrorBody> {
    let dir = dir.ok_or_else(|| {
        ErrorBody::new(
            slipway_core::ErrorCode::StoreFailed,
            "There is no data folder for the store.",
            "Set SLIPWAY_DATA_DIR or pass --data-dir.",
        )
    })?;
    Ok(Arc::new(slipway_store::Store::open_in(&dir)?))
}

fn service_ctx(
    json: &bool,
    data: Option<PathBuf>,
    request: &ConnectRequest,
) -> Result<service::Ctx, ErrorBody> {
    Ok(service::Ctx {
        json: *json,
        request: request.clone(),
        store: open_store(data)?,
    })
}

async fn run(cli: Cli) -> Outcome {
    let data = data_dir(&cli);
    let stack = PracticeStack::from_env();
    let request = ConnectRequest {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
    };
    match cli.command {
        Command::Doctor => {
            let journal: Arc<dyn slipway_core::journal::CallJournal> =
                match data_dir(&cli).map(|d| slipway_store::Store::open_in(&d)) {
                    Some(Ok(store)) => Arc::new(store),
                    Some(Err(e)) => {
                        return output::error(cli.json, &ErrorBody::from(e), Outcome::Environment)
                    }
                    None => Arc::new(slipway_core::journal::MemoryJournal::default()),
                };
            let json = cli.json;
            let report = slipway_engine::doctor::run_doctor(&request, &stack, journal, |check| {
                if !json {
                    output::check_line(check);
                }
            })
            .await;
            output::doctor_summary(json, &report);
            if report.ok {
                Outcome::Success
            } else {
                Outcome::Failed
            }
        }
        Command::Profiles => {
            match slipway_aws::profiles::list_profiles(&aws_types::os_shim_internal::Env::real())
                .await
            {
                Ok(profiles) => {
                    output::profiles(cli.json, &profiles);
                    Outcome::Success
                }
                Err(e) => output::error(cli.json, &ErrorBody::from(e), Outcome::Environment),
            }
        }
        Command::Lint {
            file,
            format,
            port,
            platform,
        } => {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    let body = ErrorBody::new(
                        slipway_core::ErrorCode::PathNotFound,
                        format!("Cannot read {}: {e}", file.display()),
                        "Give the path of a Dockerfile, e.g. `slipway lint app/Dockerfile`.",
                    );
                    return output::error(cli.json, &body, Outcome::BadInput);
                }
            };
            let options = slipway_core::lint::LintOptions { port, platform };
            match slipway_core::lint::lint_with(&text, Some(&options)) {
                Ok(findings) => {
                    let format = if cli.json {
                        output::LintFormat::Json
                    } else {
                        format
                    };
                    output::findings(format, &file.display().to_string(), &findings);
                    if findings
                        .iter()
                        .any(|f| f.severity == slipway_core::lint::Severity::Error)
                    {
                        Outcome::Failed
                    } else {
                        Outcome::Success
                    }
                }
                Err(e) => output::error(cli.json, &e, Outcome::BadInput),
            }
        }
        Command::Init {
            dir,
            name,
            port,
            health_path,
            platform,
            dry_run,
            force,
        } => local::init(
            cli.json,
            &dir,
            slipway_engine::project::InitChoices {
                name,
                port,
                health_path,
                platform,
            },
            dry_run,
            &force,
        ),
        Command::Build {
            dir,
            platform,
            tag,
            no_cache,
        } => {
            local::build(
                cli.json,
                &dir,
                slipway_engine::local::BuildOptions {
                    platform,
                    no_cache,
                    tag,
                },
            )
            .await
        }
        Command::Run {
            dir,
            image,
            host_port,
            timeout,
            detach,
        } => {
            local::run(
                cli.json,
                &dir,
                image,
                host_port,
                std::time::Duration::from_secs(timeout),
                detach,
            )
            .await
        }
        Command::Push { dir, image } => {
            let store = match open_store(data.clone()) {
                Ok(s) => s,
                Err(e) => return output::error(cli.json, &e, Outcome::Environment),
            };
            registry::push(cli.json, &dir, image, &request, store).await
        }
        Command::Images { dir } => {
            let store = match open_store(data.clone()) {
                Ok(s) => s,
                Err(e) => return output::error(cli.json, &e, Outcome::Environment),
            };
            registry::images(cli.json, &dir, &request, store).await
        }
        Command::Plan { dir, image } => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => service::plan(&ctx, &dir, image).await,
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Apply {
            dir,
            image,
            yes,
            concurrency,
            no_wait,
            timeout,
        } => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => service::apply(&ctx, &dir, image, yes, concurrency, !no_wait, timeout).await,
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Destroy {
            dir,
            yes,
            keep_logs,
            keep_repository,
            concurrency,
        } => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => {
                service::destroy(&ctx, &dir, yes, keep_logs, keep_repository, concurrency).await
            }
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Pipeline(PipelineCommand::Buildspec {
            dir,
            write,
            force,
            check,
        }) => pipeline::buildspec(cli.json, &dir, write, force, check),
        Command::Pipeline(command) => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => match command {
                PipelineCommand::Plan { dir } => pipeline::plan(&ctx, &dir).await,
                PipelineCommand::Apply {
                    dir,
                    yes,
                    concurrency,
                } => pipeline::apply(&ctx, &dir, yes, concurrency).await,
                PipelineCommand::Destroy {
                    dir,
                    yes,
                    concurrency,
                } => pipeline::destroy(&ctx, &dir, yes, concurrency).await,
                PipelineCommand::Run { dir } => pipeline::run(&ctx, &dir).await,
                PipelineCommand::Status { dir, run } => {
                    pipeline::status(&ctx, &dir, run.as_deref()).await
                }
                PipelineCommand::Logs { dir, run, follow } => {
                    pipeline::logs(&ctx, &dir, run.as_deref(), follow).await
                }
                PipelineCommand::Stop { dir, run, abandon } => {
                    pipeline::stop(&ctx, &dir, run.as_deref(), abandon).await
                }
                PipelineCommand::Retry { dir, run } => {
                    pipeline::retry(&ctx, &dir, run.as_deref()).await
                }
                PipelineCommand::Buildspec { .. } => Outcome::BadInput,
            },
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Status { dir } => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => service::status(&ctx, &dir).await,
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Watch { dir } => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => service::watch(&ctx, &dir).await,
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Lab(LabCommand::List { lang }) => lab::list(cli.json, &lang),
        Command::Lab(command) => match service_ctx(&cli.json, data.clone(), &request) {
            Ok(ctx) => match command {
                LabCommand::Check {
                    lab,
                    dir,
                    step,
                    answer,
                    lang,
                } => lab::check(&ctx, &dir, &lab, step.as_deref(), answer, &lang).await,
                LabCommand::Commands { limit, all } => {
                    let region = request.region.clone().unwrap_or_else(|| "us-east-1".into());
                    lab::commands(&ctx, limit, all, &region)
                }
                LabCommand::Report {
                    lab,
                    dir,
                    lang,
                    output,
                } => lab::report(&ctx, &dir, &lab, &lang, output.as_deref()),
                LabCommand::Experiment { which } => match which {
                    ExperimentCommand::StopTask { dir } => lab::stop_task(&ctx, &dir).await,
                    ExperimentCommand::LoadTest {
                        dir,
                        url,
                        requests,
                        concurrency,
                    } => lab::load_test(&ctx, &dir, url, requests, concurrency).await,
                    ExperimentCommand::BadDeploy { dir } => lab::bad_deploy(&ctx, &dir).await,
                },
                LabCommand::List { .. } => Outcome::BadInput,
            },
            Err(e) => output::error(cli.json, &e, Outcome::Environment),
        },
        Command::Export(ExportCommand::Cloudformation { dir, image, output }) => {
            export::cloudformation(cli.json, &dir, image, output.as_deref())
        }
        Command::Context(ContextCommand::Ls { dir, dockerfile }) => {
            match slipway_docker::context::list_context(&dir, &dockerfile) {
                Ok(files) => {
                    output::lines(cli.json, &files);
                    Outcome::Success
                }
                Err(e) => output::error(cli.json, &ErrorBody::from(e), Outcome::BadInput),
            }
        }
    }
}
