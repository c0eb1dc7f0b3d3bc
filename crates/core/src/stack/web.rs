//! Static sites: an index.html at the root, served as it is by nginx.

use super::find::file_evidence;
use super::folder::Folder;
use super::{Detection, Evidence, StackKind};

/// The port nginx-unprivileged listens on.
pub(crate) const NGINX_PORT: u16 = 8080;

/// Whether the folder is a plain static site.
pub(crate) fn applies(folder: &Folder) -> bool {
    folder.has("index.html")
}

/// Records a static site.
pub(crate) fn detect(_folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Static;
    d.evidence.push(file_evidence(
        "index.html",
        "An index.html at the root and no server code: a static site",
    ));
    d.entry = Some("index.html".into());
    d.start_command = ["nginx", "-g", "daemon off;"].map(String::from).to_vec();
    served_by_nginx(d);
}

/// Static files are served by nginx on 8080 and `/` (index.html) answers the health check.
pub(crate) fn served_by_nginx(d: &mut Detection) {
    let why = |s: &str| Evidence {
        file: "index.html".into(),
        line: None,
        text: "index.html".into(),
        why: s.into(),
    };
    d.set_port(
        NGINX_PORT,
        why("Static files are served by nginx (unprivileged), which listens on 8080"),
    );
    d.set_health("/".into(), why("nginx answers / with index.html"));
}
