//! A small writer for Dockerfiles: instructions with the comment that says why, exec-form
//! arrays, and the HEALTHCHECK line every template shares.

/// The Dockerfile being written, line by line.
#[derive(Default)]
pub(super) struct Dockerfile {
    lines: Vec<String>,
}

impl Dockerfile {
    /// Adds a `# why` comment line.
    pub(super) fn comment(&mut self, text: &str) -> &mut Self {
        self.lines.push(format!("# {text}"));
        self
    }

    /// Adds an instruction (or a continuation line) as written.
    pub(super) fn line(&mut self, text: impl Into<String>) -> &mut Self {
        self.lines.push(text.into());
        self
    }

    /// Adds an empty line between groups of instructions.
    pub(super) fn blank(&mut self) -> &mut Self {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
        self
    }

    /// `ENV A=1 \` / `    B=2`: one layer for several variables.
    pub(super) fn env(&mut self, vars: &[(&str, String)]) -> &mut Self {
        for (i, (k, v)) in vars.iter().enumerate() {
            let head = if i == 0 { "ENV " } else { "    " };
            let tail = if i + 1 < vars.len() { " \\" } else { "" };
            self.lines.push(format!("{head}{k}={v}{tail}"));
        }
        self
    }

    /// The finished text, ending with one newline.
    pub(super) fn finish(&self) -> String {
        let mut text = self.lines.join("\n");
        while text.ends_with('\n') {
            text.pop();
        }
        text.push('\n');
        text
    }
}

/// `["a", "b"]`: exec form, so the app is PID 1 and receives the stop signal ECS sends.
pub(super) fn exec_form<S: AsRef<str>>(args: &[S]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| serde_json::Value::String(a.as_ref().to_string()).to_string())
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// `HEALTHCHECK ... CMD [..]` with timings that fit a load balancer's checks.
pub(super) fn healthcheck<S: AsRef<str>>(file: &mut Dockerfile, command: &[S]) {
    file.line("HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \\")
        .line(format!("    CMD {}", exec_form(command)));
}

/// `http://127.0.0.1:<port><path>`: what a health check inside the container requests.
pub(super) fn local_url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}
