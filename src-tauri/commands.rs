// The names of every command the UI may invoke. Included by build.rs (to generate one
// `allow-<name>` permission each) and by the app (to check the bindings list the same set).
pub const COMMAND_NAMES: &[&str] = &[
    "app_info",
    "get_settings",
    "save_settings",
    "list_profiles",
    "connect",
    "current_connection",
    "run_doctor",
    "recent_projects",
    "open_project",
    "forget_project",
];
