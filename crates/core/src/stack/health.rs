//! Health routes: a string literal that names a well-known health path, in any language's
//! route table (`app.get('/health'`, `@app.route("/healthz")`, `req.url === '/ping'`,
//! `HandleFunc("/health"`, `.route("/health", get(..))`, `@GetMapping("/health")`).

use super::find::{all_in_text, re, Hit};
use super::{Detection, Evidence};
use regex::Regex;
use std::sync::LazyLock;

static ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["'`](/(?:api/)?(?:v\d+/)?(?:health|healthz|healthcheck|health-check|_health|livez|readyz|ready|ping|status)/?)["'`]"#,
    )
});

// Django's urls.py names routes without the leading slash: path("health/", ...).
static DJANGO_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:path|re_path|url)\(\s*r?["']\^?((?:api/)?(?:health|healthz|healthcheck|ping|status)/?)\$?["']"#,
    )
});

/// Lower is a better health check: a dedicated health route beats a generic status page.
fn rank(path: &str) -> usize {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    [
        "health",
        "healthz",
        "healthcheck",
        "health-check",
        "_health",
        "livez",
        "readyz",
        "ready",
        "ping",
        "status",
    ]
    .iter()
    .position(|n| *n == last)
    .unwrap_or(usize::MAX)
}

/// Looks for a health route in `sources` and records the best one.
pub(crate) fn detect(sources: &[(&str, String)], d: &mut Detection) {
    let mut hits: Vec<Hit> = Vec::new();
    for (file, text) in sources {
        hits.extend(all_in_text(file, text, &ROUTE));
        if file.ends_with("urls.py") {
            hits.extend(
                all_in_text(file, text, &DJANGO_ROUTE)
                    .into_iter()
                    .map(|mut h| {
                        h.capture = format!("/{}", h.capture);
                        h
                    }),
            );
        }
    }
    if let Some(best) = hits.into_iter().min_by_key(|h| rank(&h.capture)) {
        let why = format!("The app has a route for {}", best.capture);
        let evidence: Evidence = best.evidence(why);
        d.set_health(best.capture, evidence);
    }
}
