//! The Slipway desktop shell: a thin Tauri layer over the engine crates. Generic over the
//! runtime, so the whole app also runs on `tauri::test::mock_builder()` in tests.

pub mod bindings;
pub mod commands;
pub mod state;

include!("../commands.rs");

use slipway_core::connection::PracticeStack;
use state::AppState;
use std::path::PathBuf;
use tauri::Runtime;

/// How the app is set up; tests point the store at a temporary folder.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Where the store lives; defaults to SLIPWAY_DATA_DIR, then the platform's app-data folder.
    pub data_dir: Option<PathBuf>,
    /// Whether to install the global tracing subscriber (the real app does; tests do not).
    pub init_logging: bool,
}

/// The app identifier (tauri.conf.json); the CLI shares the same data folder.
pub const APP_IDENTIFIER: &str = "dev.slipway.desktop";

/// The data folder: `options`, then SLIPWAY_DATA_DIR, then the platform's app-data folder
/// (what Tauri's `app_data_dir` resolves to, computed here so the CLI finds the same store).
pub fn data_dir(options: &Options) -> PathBuf {
    options
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("SLIPWAY_DATA_DIR").map(PathBuf::from))
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
        .unwrap_or_else(|| std::env::temp_dir().join(APP_IDENTIFIER))
}

/// Registers plugins, state and commands on any runtime's builder. Fails when the store
/// cannot be opened, with the error a person can act on.
pub fn builder<R: Runtime>(
    builder: tauri::Builder<R>,
    options: Options,
) -> Result<tauri::Builder<R>, slipway_core::ErrorBody> {
    let data_dir = data_dir(&options);
    let log_dir = data_dir.join("logs");
    if options.init_logging {
        init_logging(&log_dir);
    }
    let store = slipway_store::Store::open_in(&data_dir)?;
    tracing::info!(data_dir = %data_dir.display(), "Slipway starting");
    Ok(builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(AppState::new(
            store,
            data_dir,
            log_dir,
            PracticeStack::from_env(),
        ))
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::get_settings,
            commands::app::save_settings,
            commands::connection::list_profiles,
            commands::connection::connect,
            commands::connection::current_connection,
            commands::doctor::run_doctor,
            commands::projects::recent_projects,
            commands::projects::open_project,
            commands::projects::forget_project,
            commands::dockerfile::detect_stack,
            commands::dockerfile::plan_init,
            commands::dockerfile::write_init,
            commands::dockerfile::read_project_file,
            commands::dockerfile::save_project_file,
            commands::dockerfile::lint_dockerfile,
            commands::dockerfile::load_spec,
            commands::dockerfile::save_spec,
            commands::build::build_image,
            commands::build::cancel_operation,
            commands::build::context_summary,
            commands::build::image_layers,
            commands::build::run_local,
            commands::build::stop_local,
            commands::registry::ecr_repository,
            commands::registry::list_repositories,
            commands::registry::local_builds,
            commands::registry::push_image,
            commands::registry::list_images,
            commands::registry::scan_report,
            commands::service::plan_service,
            commands::service::apply_service,
            commands::service::service_health,
            commands::service::plan_destroy,
            commands::service::destroy_service,
            commands::pipeline::pipeline_buildspec,
            commands::pipeline::check_buildspec,
            commands::pipeline::plan_pipeline,
            commands::pipeline::apply_pipeline,
            commands::pipeline::plan_pipeline_destroy,
            commands::pipeline::destroy_pipeline,
            commands::pipeline::pipeline_runs,
            commands::pipeline::start_pipeline_run,
            commands::pipeline::pipeline_run,
            commands::pipeline::stop_pipeline_run,
            commands::pipeline::retry_pipeline_stage,
            commands::pipeline::build_log,
            commands::monitor::watch_service,
            commands::monitor::set_window_visible,
            commands::monitor::zero_downtime_check,
            commands::monitor::service_metrics,
            commands::labs::list_labs,
            commands::labs::lab_progress,
            commands::labs::check_lab_step,
            commands::labs::aws_cli_history,
            commands::labs::stop_one_task,
            commands::labs::experiment_target,
            commands::labs::load_test,
            commands::labs::bad_deploy,
            commands::labs::export_lab_report,
        ]))
}

/// Logs to a daily-rolling file in the log folder and to stderr; SLIPWAY_LOG sets the filter.
fn init_logging(log_dir: &std::path::Path) {
    use tracing_subscriber::prelude::*;
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("SLIPWAY_LOG")
            .unwrap_or_else(|_| "info,hyper=warn,aws_smithy_runtime=warn".into())
    };
    // The SDK's wire-level TRACE carries secrets: capped whatever SLIPWAY_LOG asks.
    let cap = || {
        slipway_aws::WIRE_LOG_TARGETS.iter().fold(
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing_subscriber::filter::LevelFilter::TRACE),
            |t, target| t.with_target(*target, tracing_subscriber::filter::LevelFilter::DEBUG),
        )
    };
    let file = std::fs::create_dir_all(log_dir)
        .ok()
        .map(|_| tracing_appender::rolling::daily(log_dir, "slipway.log"));
    let registry = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
            .with_filter(cap()),
    );
    let result = match file {
        Some(f) => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(f)
                    .with_filter(filter())
                    .with_filter(cap()),
            )
            .try_init(),
        None => registry.try_init(),
    };
    if let Err(e) = result {
        eprintln!("logging was already set up: {e}");
    }
}

/// On the way out: cancel what runs and remove every container Slipway started locally.
fn shutdown<R: Runtime>(handle: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(state) = handle.try_state::<AppState>() {
        state.operations.cancel_all();
    }
    let removed = tauri::async_runtime::block_on(async {
        match slipway_docker::connect().await {
            Ok((docker, _)) => slipway_docker::container::remove_managed(&docker, None)
                .await
                .unwrap_or(0),
            Err(_) => 0,
        }
    });
    tracing::info!(removed, "Slipway closed; local containers removed");
}

/// Runs the desktop app.
pub fn run() {
    let app = builder(
        tauri::Builder::default(),
        Options {
            data_dir: None,
            init_logging: true,
        },
    )
    .map_err(|e| format!("{} {}", e.message, e.hint))
    .and_then(|b| {
        b.build(tauri::generate_context!())
            .map_err(|e| e.to_string())
    });
    match app {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                shutdown(handle);
            }
        }),
        Err(e) => {
            eprintln!("Slipway could not start: {e}");
            std::process::exit(1);
        }
    }
}
