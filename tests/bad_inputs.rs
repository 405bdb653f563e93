//! Hostile input, class by class (the hardening issue): a chart, a value file, a
//! `tack.yaml` or a manifest from a pull request must never crash tack, hang it, blow up its
//! memory, print a secret, or make it read or write outside the chart and the paths it was
//! given. Each case runs the real binary under a memory cap (`ulimit -v`), with a generous
//! guard against hangs (a hang detector, not a speed test), and checks the exit code, the
//! message, and that the planted secret appears in no output.
//!
//! Cases that need files are built in a fresh folder; see `tests/cases/` for the hostile
//! inputs small enough to check in as transcripts.

mod common;

use common::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The secret planted in every case's values or manifests.
const SECRET: &str = "Pl4nt3dS3cr3t-hunter2";

/// Virtual memory allowed to one run: far above what tack needs (about 100 MB), far below
/// what the attacks took before (1-6 GB).
const MEMORY_KB: u64 = 1_500_000;

/// Longer than any case takes (a second or two); only a hang reaches it.
const HANG: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// No crash (panic, abort, signal), the expected exit code, no leaked secret.
    fn expect(&self, code: i32, what: &str) -> &Self {
        let all = self.all();
        assert!(
            !all.contains("panicked") && !all.contains("RUST_BACKTRACE"),
            "{what}: crashed:\n{all}"
        );
        assert_eq!(self.code, Some(code), "{what}: exit code\n{all}");
        assert!(!all.contains(SECRET), "{what}: the secret leaked:\n{all}");
        self
    }

    fn says(&self, text: &str) -> &Self {
        assert!(
            self.all().contains(text),
            "expected {text:?} in:\n{}",
            self.all()
        );
        self
    }
}

/// Runs tack in `cwd` with `args`, stdin from `stdin` (a file) or empty.
fn tack_in(cwd: &Path, args: &[&str], stdin: Option<&Path>) -> Run {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_tack"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("TACK_TEST_SECRET_ENV", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(file) => command.stdin(std::fs::File::open(file).expect("stdin file")),
        None => command.stdin(Stdio::null()),
    };
    let mut child = command.spawn().expect("tack runs");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("tack {} hung (killed after {HANG:?})", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh folder for one case.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tack-bad-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folder");
    }
    std::fs::write(path, text).expect("write");
}

/// A small chart whose values hold the secret.
fn chart(dir: &Path) -> PathBuf {
    let chart = dir.join("chart");
    write(
        &chart.join("Chart.yaml"),
        "name: demo\nversion: 0.1.0\nappVersion: \"1.0\"\n",
    );
    write(
        &chart.join("values.yaml"),
        format!(
            "name: demo\nimage: {{repository: ghcr.io/acme/demo}}\nsecrets:\n  apiKey: {{envName: API_KEY, value: {SECRET}}}\n"
        ),
    );
    chart
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).expect("folder");
    }
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

// Crashes: deep paths and expressions.

#[test]
fn deep_set_paths_are_refused_on_the_command_line_and_in_tack_yaml() {
    let dir = scratch("deep-set");
    chart(&dir);
    let deep = format!("extra.{}=1", vec!["a"; 6000].join("."));
    tack_in(&dir, &["render", "chart", "--set", &deep], None)
        .expect(2, "--set with 6,000 levels")
        .says("a `--set` path may nest 30 at most");
    write(
        &dir.join("tack.yaml"),
        format!("releases:\n  - name: demo\n    chart: chart\n    set: [\"{deep}\"]\n"),
    );
    tack_in(&dir, &["lint"], None)
        .expect(2, "tack lint of a tack.yaml with a deep --set")
        .says("30 at most");
}

#[test]
fn template_expressions_that_would_exhaust_the_stack_are_refused() {
    let dir = scratch("deep-template");
    let chart = chart(&dir);
    let many = |s: &str, n: usize| s.repeat(n);
    for (what, template) in [
        (
            "30,000 terms",
            format!("{{{{ {} }}}}", vec!["1"; 30_000].join(" + ")),
        ),
        (
            "not not not",
            format!("{{{{ {}true }}}}", many("not ", 200_000)),
        ),
        (
            "500,000 minus",
            format!("{{{{ {}1 }}}}", many("-", 500_000)),
        ),
        (
            "a filter chain",
            format!("{{{{ 1{} }}}}", many(" | string", 100_000)),
        ),
        (
            "an attribute chain",
            format!("{{{{ values{} }}}}", many(".a", 300_000)),
        ),
    ] {
        write(&chart.join("templates/deep.yaml"), template);
        tack_in(&dir, &["render", "chart"], None)
            .expect(1, what)
            .says("a tag longer than 20000 bytes");
    }
}

// Secrets never printed.

#[test]
fn secret_data_is_never_quoted_by_validate_in_any_format() {
    let dir = scratch("validate-secret");
    write(
        &dir.join("secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata: {{plain: {SECRET}}}\nstringData: {{n: [{SECRET}], m: 12345}}\n"
        ),
    );
    for format in ["human", "json", "junit"] {
        tack_in(&dir, &["validate", "secret.yaml", "--format", format], None)
            .expect(1, format)
            .says("not valid base64");
    }
}

#[test]
fn mistakes_inside_secrets_show_no_line() {
    let dir = scratch("values-secret-syntax");
    chart(&dir);
    for (what, text) in [
        (
            "syntax error",
            format!("secrets:\n  apiKey: {{value: [{SECRET}\n"),
        ),
        (
            "duplicate key",
            format!("secrets:\n  apiKey:\n    value: {SECRET}\n    value: {SECRET}\n"),
        ),
        (
            "wrong type",
            format!("secrets:\n  apiKey: {{value: {{nested: {SECRET}}}}}\n"),
        ),
    ] {
        write(&dir.join("bad.yaml"), text);
        tack_in(&dir, &["render", "chart", "-f", "bad.yaml"], None)
            .expect(1, what)
            .says("bad.yaml:");
    }
}

#[test]
fn set_masking_covers_the_whole_secret_value() {
    let dir = scratch("set-mask");
    chart(&dir);
    for (flag, code) in [
        // A part without `=` is a malformed flag (exit 2), a list is the wrong type (1).
        (format!("secrets.apiKey.value=p4ss,{SECRET}"), 2),
        (format!("secrets.apiKey.value={{p4ss,{SECRET}}}"), 1),
        (
            format!("secrets.apiKey.value=x\\,{SECRET},replicas=many"),
            1,
        ),
    ] {
        tack_in(&dir, &["render", "chart", "--set", &flag, "--debug"], None).expect(code, &flag);
    }
}

#[test]
fn template_messages_never_carry_a_secret_in_any_shape() {
    let dir = scratch("template-secret");
    let chart = chart(&dir);
    for shape in [
        "values.secrets.apiKey.value",
        "values.secrets.apiKey.value | upper",
        "values.secrets.apiKey.value | lower",
        "values.secrets.apiKey.value | b64encode",
        "values.secrets.apiKey.value[3:12]",
        "values.secrets.apiKey.value | reverse",
        "'x' ~ values.secrets.apiKey.value ~ 'y'",
    ] {
        write(
            &chart.join("templates/leak.yaml"),
            format!("{{{{ fail({shape}) }}}}\n"),
        );
        let run = tack_in(&dir, &["render", "chart"], None);
        run.expect(1, shape);
        let upper = SECRET.to_uppercase();
        let piece = &SECRET[3..12];
        assert!(
            !run.all().contains(&upper) && !run.all().contains(piece),
            "{shape}: {}",
            run.all()
        );
    }
}

#[test]
fn set_file_contents_are_never_shown() {
    let dir = scratch("set-file");
    chart(&dir);
    write(&dir.join("contents.txt"), SECRET);
    tack_in(
        &dir,
        &[
            "render",
            "chart",
            "--set-file",
            "replicas=contents.txt",
            "--set-file",
            "name=contents.txt",
            "--debug",
        ],
        None,
    )
    .expect(1, "--set-file into typed fields")
    .says("<redacted>");
}

#[test]
fn lint_json_carries_no_secret() {
    let dir = scratch("lint-json");
    let chart = chart(&dir);
    write(
        &chart.join("templates/secret.yaml"),
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: t}}\ndata: {{k: {SECRET}}}\n"),
    );
    tack_in(&dir, &["lint", "chart", "--format", "json"], None)
        .expect(1, "lint --format json")
        .says("\"ok\": false");
}

// Reads outside the chart.

#[cfg(unix)]
#[test]
fn chart_files_that_lead_outside_are_refused_unread() {
    for (file, what) in [
        ("values.yaml", "values.yaml"),
        ("Chart.yaml", "Chart.yaml"),
        ("values.schema.json", "values.schema.json"),
    ] {
        let dir = scratch(&format!("link-{file}"));
        let chart = chart(&dir);
        let _ = std::fs::remove_file(chart.join(file));
        symlink("/proc/self/environ", &chart.join(file));
        tack_in(&dir, &["render", "chart"], None)
            .expect(1, what)
            .says("resolves outside the chart folder");
        tack_in(&dir, &["schema", "chart"], None).expect(1, &format!("tack schema, {what}"));
    }
    let dir = scratch("link-values-folder");
    let chart = chart(&dir);
    symlink("/proc/self/environ", &chart.join("values/evil.yaml"));
    tack_in(&dir, &["lint", "chart"], None)
        .expect(1, "a chart's values/ file linked out")
        .says("resolves outside the chart folder");
}

#[test]
fn files_named_by_values_stay_in_their_folder() {
    let dir = scratch("secret-files");
    chart(&dir);
    for target in ["/proc/self/environ", "../../../../../../proc/self/environ"] {
        write(
            &dir.join("bad.yaml"),
            format!("secrets:\n  other: {{file: {target}}}\n"),
        );
        tack_in(&dir, &["render", "chart", "-f", "bad.yaml"], None)
            .expect(1, target)
            .says("is outside the folder of the value file");
    }
    write(
        &dir.join("tls.yaml"),
        "tlsSecrets:\n  web: {certFile: /etc/hostname, keyFile: /etc/hostname}\n",
    );
    tack_in(&dir, &["render", "chart", "-f", "tls.yaml"], None)
        .expect(1, "certFile")
        .says("is outside the folder of the value file");
    write(
        &dir.join("tack.yaml"),
        "releases:\n  - {name: demo, chart: chart, values: [/proc/self/environ]}\n",
    );
    tack_in(&dir, &["render", "-r", "tack.yaml"], None)
        .expect(1, "a releases file naming /proc")
        .says("is outside the folder of the releases file");
}

// Hangs and unbounded memory.

#[cfg(unix)]
#[test]
fn special_files_and_endless_inputs_stop() {
    let dir = scratch("special");
    chart(&dir);
    mkfifo(&dir.join("fifo.yaml"));
    for args in [
        vec!["render", "chart", "-f", "/dev/zero"],
        vec!["render", "chart", "-f", "fifo.yaml"],
        vec!["render", "chart", "--set-file", "name=/dev/zero"],
        vec!["validate", "/dev/zero"],
        vec!["validate", "fifo.yaml"],
    ] {
        tack_in(&dir, &args, None)
            .expect(2, &args.join(" "))
            .says("not a regular file");
    }
    tack_in(&dir, &["validate", "-"], Some(Path::new("/dev/zero")))
        .expect(2, "validate of /dev/zero on stdin")
        .says("larger than 64 MiB");
    symlink("/dev/zero", &dir.join("zero.yaml"));
    tack_in(&dir, &["validate", "zero.yaml"], None).expect(2, "a link to /dev/zero");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_walked_once() {
    let dir = scratch("loops");
    let chart = chart(&dir);
    symlink("b", &chart.join("templates/a"));
    symlink("a", &chart.join("templates/b"));
    symlink(".", &chart.join("templates/self"));
    write(
        &chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    tack_in(&dir, &["render", "chart"], None).expect(0, "templates/ with link loops");
    let manifests = dir.join("manifests");
    write(
        &manifests.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    symlink(".", &manifests.join("again"));
    symlink("../manifests", &manifests.join("up"));
    tack_in(&dir, &["validate", "manifests"], None)
        .expect(0, "validate of a folder with link loops")
        .says("in 1 object");
}

#[test]
fn huge_inputs_are_refused_before_they_are_read() {
    let dir = scratch("huge");
    let chart = chart(&dir);
    let line = "k: v\n".repeat(1 << 20);
    write(
        &chart.join("Chart.yaml"),
        format!("name: demo\nversion: 0.1.0\n{}", line.repeat(16)),
    );
    tack_in(&dir, &["render", "chart"], None)
        .expect(1, "an 80 MB Chart.yaml")
        .says("larger than 1 MiB");
    write(&dir.join("tack.yaml"), line.repeat(4));
    tack_in(&dir, &["lint"], None)
        .expect(2, "a 20 MB tack.yaml")
        .says("larger than 16 MiB");
}

#[test]
fn templates_that_grow_without_end_stop() {
    let dir = scratch("growing");
    let chart = chart(&dir);
    for (what, template) in [
        (
            "a string doubled 40 times",
            "{% set ns = namespace(x=\"aaaaaaaaaaaaaaaa\") %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x }}\n",
        ),
        (
            "a large value printed 100,000 times",
            "{% for i in range(100000) %}{{ \"x\" * 20000 }}\n{% endfor %}",
        ),
    ] {
        write(&chart.join("templates/grow.yaml"), template);
        tack_in(&dir, &["render", "chart"], None).expect(1, what);
    }
    write(
        &dir.join("tack.yaml"),
        "releases:\n".to_string()
            + &(0..4)
                .map(|i| format!("  - {{name: r{i}, chart: chart}}\n"))
                .collect::<String>(),
    );
    tack_in(&dir, &["render", "-r", "tack.yaml"], None).expect(1, "four growing releases");
}

#[test]
fn alias_and_merge_bombs_stop_in_validate() {
    let dir = scratch("bombs");
    let mut text = String::from("a0: &a0 {k0: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n");
    for level in 1..30 {
        let prev = level - 1;
        text.push_str(&format!(
            "a{level}: &a{level} {{k{level}: [*a{prev}, *a{prev}], <<: *a{prev}}}\n"
        ));
    }
    write(&dir.join("bomb.yaml"), text);
    tack_in(&dir, &["validate", "bomb.yaml"], None)
        .expect(1, "an alias-plus-merge bomb")
        .says("billion laughs");
}

#[test]
fn huge_gateway_lists_give_a_few_errors_not_one_per_item() {
    let dir = scratch("gateway-lists");
    let n = 20_000;
    let mut text = String::from(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  gatewayClassName: c\n  listeners:\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "  - {{name: l{}, port: 80, protocol: HTTP}}\n",
            i % 7
        ));
    }
    text.push_str("---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  parentRefs:\n");
    for i in 0..n {
        text.push_str(&format!("  - {{name: g, sectionName: s{}}}\n", i % 5));
    }
    write(&dir.join("routes.yaml"), text);
    let run = tack_in(&dir, &["validate", "routes.yaml"], None);
    run.expect(1, "lists past Gateway API's limits")
        .says("at most 64 allowed")
        .says("at most 32 allowed");
    let errors = run.all().lines().filter(|l| l.starts_with("error")).count();
    assert!(
        errors == 2,
        "one error per list, not per item or per rule: {errors}\n{}",
        run.all()
    );
}

// Writes outside where tack was told.

#[test]
fn output_folders_hold_exactly_the_release() {
    let dir = scratch("output");
    let chart = chart(&dir);
    write(
        &chart.join("templates/escape.yaml"),
        "apiVersion: example.com/v1\nkind: /../../escaped\nmetadata: {name: x}\n",
    );
    tack_in(&dir, &["render", "chart", "--output-dir", "out"], None)
        .expect(0, "a kind with slashes");
    let names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains('/')), "{names:?}");
    assert!(!dir.join("escaped").exists() && !dir.join("x").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let secret = dir.join("out/01-secret-demo.yaml");
        let mode = std::fs::metadata(&secret)
            .expect("secret file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "Secret manifests are private");
    }
    // A render that fails leaves the previous output as it was.
    std::fs::remove_file(chart.join("templates/escape.yaml")).expect("remove");
    write(&chart.join("templates/broken.yaml"), "{{ nope }}");
    tack_in(&dir, &["render", "chart", "--output-dir", "out"], None).expect(1, "a failing render");
    assert!(dir.join("out/01-secret-demo.yaml").is_file());
    // The next good render removes files of objects that are gone.
    std::fs::remove_file(chart.join("templates/broken.yaml")).expect("remove");
    tack_in(&dir, &["render", "chart", "--output-dir", "out"], None).expect(0, "a good render");
    assert!(std::fs::read_dir(dir.join("out")).expect("out").all(|e| {
        !e.expect("entry")
            .file_name()
            .to_string_lossy()
            .contains("escaped")
    }));
    // A folder of someone else's files is never replaced.
    write(&dir.join("mine/notes.txt"), "keep");
    tack_in(&dir, &["render", "chart", "--output-dir", "mine"], None)
        .expect(2, "a folder tack did not write")
        .says("holds files tack did not write");
    assert!(dir.join("mine/notes.txt").is_file());
}

// Exit codes and messages.

#[test]
fn exit_codes_follow_the_readme() {
    let dir = scratch("exits");
    let chart = chart(&dir);
    tack_in(&dir, &["lint", "charts/does-not-exist"], None)
        .expect(2, "lint of a missing path")
        .says("does not exist");
    write(
        &chart.join("templates/bad.yaml"),
        b"kind: \xff\xfe\n".as_slice(),
    );
    tack_in(&dir, &["render", "chart"], None)
        .expect(1, "a template that is not UTF-8")
        .says("not UTF-8");
    std::fs::remove_file(chart.join("templates/bad.yaml")).expect("remove");
    write(&dir.join("tack.yaml"), b"releases: \xff\n".as_slice());
    tack_in(&dir, &["render", "-r", "tack.yaml"], None).expect(1, "a tack.yaml that is not UTF-8");
    tack_in(&dir, &["render", "chart", "--release", "../x"], None)
        .expect(1, "--release ../x")
        .says("--> --release ../x:1:1");
    tack_in(
        &root(),
        &[
            "diff",
            "charts/model-serving",
            "-f",
            "values/canary.yaml",
            "--set",
            "replicas=many",
        ],
        None,
    )
    .expect(2, "diff whose new render is invalid")
    .says("the new render failed");
}

#[test]
fn messages_are_short_and_in_tack_s_words() {
    let dir = scratch("messages");
    chart(&dir);
    let long = "x".repeat(15 * 1024 * 1024);
    write(&dir.join("long.yaml"), format!("replicas: {long}\n"));
    let run = tack_in(&dir, &["render", "chart", "-f", "long.yaml"], None);
    run.expect(1, "a 15 MB value");
    assert!(
        run.stderr.len() < 10_000,
        "{} bytes of stderr",
        run.stderr.len()
    );
    write(&dir.join("plain.yaml"), "a: [1, 2\n");
    let run = tack_in(&dir, &["render", "chart", "-f", "plain.yaml"], None);
    run.expect(1, "a syntax error without aliases");
    for internal in [
        "alias",
        "from_str_multiple",
        "DuplicateKeyPolicy",
        "budget breached",
        "ScalarBytes",
    ] {
        assert!(!run.stderr.contains(internal), "{internal}: {}", run.stderr);
    }
    write(
        &dir.join("names.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a\\e[2Jb\"}\n",
    );
    let run = tack_in(&dir, &["validate", "names.yaml"], None);
    run.expect(1, "an object name with an escape sequence");
    assert!(!run.all().contains('\u{1b}'), "{:?}", run.all());
}

// Custom resources: CRDs and their CEL rules come from pull requests too.

#[cfg(unix)]
#[test]
fn crd_files_stay_in_the_chart_and_special_files_stop() {
    let dir = scratch("crds");
    let chart = chart(&dir);
    symlink("/proc/self/environ", &chart.join("crds/evil.yaml"));
    tack_in(&dir, &["render", "chart"], None)
        .expect(1, "a chart's crds/ file linked out")
        .says("resolves outside the chart folder");
    let _ = std::fs::remove_file(chart.join("crds/evil.yaml"));
    mkfifo(&chart.join("crds/fifo.yaml"));
    tack_in(&dir, &["render", "chart"], None)
        .expect(2, "a FIFO in crds/")
        .says("not a regular file");
    write(
        &dir.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    for (crd, says) in [
        ("/dev/zero", "not a regular file"),
        ("cm.yaml", "not a CustomResourceDefinition"),
    ] {
        tack_in(&dir, &["validate", "--crd", crd, "cm.yaml"], None)
            .expect(2, &format!("--crd {crd}"))
            .says(says);
    }
    let huge = std::fs::File::create(dir.join("huge.yaml")).expect("create");
    huge.set_len(40 * 1024 * 1024).expect("sparse file");
    tack_in(&dir, &["validate", "--crd", "huge.yaml", "cm.yaml"], None)
        .expect(2, "a 40 MiB --crd file")
        .says("larger than 32 MiB");
}

#[test]
fn hostile_cel_rules_are_bounded_and_quote_no_secret() {
    let dir = scratch("cel");
    let deep = format!("{}true{}", "(".repeat(40), ")".repeat(40));
    let long = format!("{}true", "true && ".repeat(600));
    let chain = vec!["1"; 600].join(" + ");
    let rules = [
        deep.as_str(),
        long.as_str(),
        &format!("{chain} > 0"),
        "self.s.replace('', self.s).replace('', self.s).size() > 0",
        "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))",
        "self.token - 1 == 0",
        "self.token.split('').join(self.token).size() > 0",
    ];
    let rules: String = rules
        .iter()
        .map(|rule| format!("                - rule: {}\n", serde_json_string(rule)))
        .collect();
    let items: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let manifest = format!(
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: widgets.acme.io}}
spec:
  group: acme.io
  names: {{kind: Widget, plural: widgets}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
              x-kubernetes-validations:
{rules}---
apiVersion: acme.io/v1
kind: Widget
metadata: {{name: w}}
spec: {{token: {SECRET}, s: {long_string}, items: [{items}]}}
",
        long_string = "x".repeat(50_000),
        items = items.join(", ")
    );
    write(&dir.join("widgets.yaml"), manifest);
    tack_in(&dir, &["validate", "widgets.yaml"], None)
        .expect(1, "hostile CEL rules")
        .says("nests brackets")
        .says("longer than 4096 bytes")
        .says("more than 512 operators")
        .says("would pass 1048576 bytes")
        .says("too costly");
}

/// A YAML-safe double-quoted string.
fn serde_json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn a_values_schema_that_loops_or_reaches_out_neither_hangs_nor_fetches() {
    let dir = scratch("schema-refs");
    let chart = dir.join("chart");
    common::copy_dir(&root().join("tests/cases/_charts/tiny"), &chart);
    let schema = chart.join("values.schema.json");
    // Compiled without the meta-schema check: references that loop still compile and end.
    for looping in [
        r##"{"$ref": "#"}"##,
        r##"{"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##,
    ] {
        write(&schema, looping);
        tack_in(&dir, &["render", "chart", "--set", "extra.a=1"], None).expect(0, looping);
    }
    // Nothing is fetched, from the network or the disk.
    for outside in [
        r#"{"$ref": "https://example.com/x.json"}"#,
        r#"{"$ref": "file:///etc/passwd"}"#,
    ] {
        write(&schema, outside);
        tack_in(&dir, &["render", "chart"], None)
            .expect(1, outside)
            .says("does not fetch resources");
        tack_in(&dir, &["lint", "chart"], None).expect(1, outside);
    }
}
