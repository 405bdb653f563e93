//! The filters and functions chart templates can use, besides minijinja's built-ins.
//!
//! Helm users will recognise them: `toyaml`, `tojson`, `indent`, `nindent`, `quote`,
//! `b64encode`, `b64decode`, `sha256`, `required`, `fail` and `include`. There is no `lookup`
//! (rendering never talks to a cluster) and no `now` (output must be deterministic).

use base64::Engine;
use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};
use sha2::{Digest, Sha256};
use std::cell::RefCell;

/// How deep `include` may nest before it is taken for endless recursion.
///
/// ```
/// use tack::chart::{Templates, templates::MAX_INCLUDE_DEPTH};
/// # use tack::chart::templates::{ReleaseInfo, TemplateContext};
/// # let context = TemplateContext {
/// #     values: serde_json::json!({"name": "mnist"}),
/// #     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
/// #     chart: serde_json::json!({"name": "demo"}),
/// #     kube_version: tack::KubeVersion::LATEST,
/// #     secrets: Vec::new(),
/// #     objects: serde_json::Value::Null,
/// #     api_versions: Vec::new(),
/// # };
/// let templates = Templates::from_sources([
///     ("_loop.yaml", "{{ include('_loop.yaml') }}"),
///     ("cm.yaml", "{{ include('_loop.yaml') }}"),
/// ])?;
/// let message = templates.render(&context).unwrap_err().0.items[0].message.clone();
/// assert!(message.contains(&format!("nested more than {MAX_INCLUDE_DEPTH} deep")), "{message}");
/// # Ok::<(), tack::chart::TemplateError>(())
/// ```
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Registers every filter and function on `env`.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("toyaml", toyaml);
    env.add_filter("tojson", tojson);
    env.add_filter("indent", indent);
    env.add_filter("nindent", nindent);
    env.add_filter("quote", quote);
    env.add_filter("b64encode", b64encode);
    env.add_filter("b64decode", b64decode);
    env.add_filter("sha256", sha256);
    env.add_filter("required", required);
    env.add_function("fail", fail);
    env.add_function("include", include);
}

fn serializable(value: &Value, filter: &str) -> Result<serde_json::Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!("`{filter}` got an undefined value"),
        ));
    }
    serde_json::to_value(value).map_err(|err| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{filter}` cannot write this value: {err}"),
        )
    })
}

/// `{{ values.extra.settings | toyaml }}`: block YAML, quoted where YAML 1.1 would misread,
/// without the final newline (so it composes with `nindent`).
fn toyaml(value: Value) -> Result<String, Error> {
    let json = serializable(&value, "toyaml")?;
    let text = serde_saphyr::to_string(&json).map_err(|err| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`toyaml` failed: {err}"),
        )
    })?;
    Ok(text.trim_end_matches('\n').to_string())
}

/// `{{ value | tojson }}`: compact JSON (valid YAML flow style).
fn tojson(value: Value) -> Result<String, Error> {
    let json = serializable(&value, "tojson")?;
    serde_json::to_string(&json).map_err(|err| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`tojson` failed: {err}"),
        )
    })
}

/// `{{ text | indent(4) }}`: every line, the first one too, indented (Helm's `indent`; note
/// that Jinja's own `indent` leaves the first line alone).
fn indent(text: String, width: usize) -> String {
    let pad = " ".repeat(width);
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `{{ text | nindent(4) }}`: a newline, then `indent(4)`; for blocks after a key.
fn nindent(text: String, width: usize) -> String {
    format!("\n{}", indent(text, width))
}

/// `{{ value | quote }}`: a double-quoted YAML string, escaped.
fn quote(value: Value) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "`quote` got an undefined value",
        ));
    }
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    serde_json::to_string(&text).map_err(|err| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`quote` failed: {err}"),
        )
    })
}

fn b64encode(text: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

fn b64decode(text: String) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|err| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`b64decode`: not base64 ({err})"),
            )
        })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            "`b64decode`: the decoded bytes are not UTF-8 text",
        )
    })
}

/// `{{ text | sha256 }}`: the hex SHA-256 digest, e.g. for a checksum annotation that rolls
/// pods when a ConfigMap changes.
fn sha256(text: String) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `{{ values.extra.bucket | required("set extra.bucket to the model bucket") }}`: the value,
/// or an error with the message when it is undefined, null or empty.
fn required(value: Value, message: Option<String>) -> Result<Value, Error> {
    let missing = value.is_undefined()
        || value.is_none()
        || (value.kind() == ValueKind::String && value.as_str() == Some(""));
    if missing {
        let message = message.unwrap_or_else(|| "a required value is missing".to_string());
        return Err(Error::new(ErrorKind::InvalidOperation, message));
    }
    Ok(value)
}

/// `{{ fail("...") }}`: stops rendering with the message.
fn fail(message: String) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

thread_local! {
    /// Names of the templates `include` is rendering, outermost first.
    static INCLUDE_STACK: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// `include` calls and bytes they returned since the current template started: each
    /// include is a render with its own fuel, so these bound what includes can add up to.
    static INCLUDE_SPENT: RefCell<(usize, usize)> = const { RefCell::new((0, 0)) };
}

/// The most `include` calls one template render may make.
const MAX_INCLUDES: usize = 10_000;

/// Resets the include budget: call before rendering each template.
pub(crate) fn start_render() {
    INCLUDE_SPENT.with(|spent| *spent.borrow_mut() = (0, 0));
}

/// `{{ include("_helpers.yaml") | nindent(4) }}`: renders another template of the chart
/// (typically a `_` partial) to a string, with the same variables or with `context`.
fn include(state: &State<'_, '_>, name: String, context: Option<Value>) -> Result<String, Error> {
    let depth = INCLUDE_STACK.with(|stack| stack.borrow().len());
    if depth >= MAX_INCLUDE_DEPTH {
        let chain = INCLUDE_STACK.with(|stack| {
            let stack = stack.borrow();
            let shown: Vec<&str> = stack.iter().take(6).map(String::as_str).collect();
            format!("{} -> ...", shown.join(" -> "))
        });
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "`include` nested more than {MAX_INCLUDE_DEPTH} deep, probably endless recursion: {chain}"
            ),
        ));
    }
    let over_budget = INCLUDE_SPENT.with(|spent| {
        let mut spent = spent.borrow_mut();
        spent.0 += 1;
        spent.0 > MAX_INCLUDES || spent.1 > super::MAX_OUTPUT_BYTES
    });
    if over_budget {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "`include` called more than {MAX_INCLUDES} times or returned more than {} MiB in one template",
                super::MAX_OUTPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let template = state.env().get_template(&name)?;
    let context = context.unwrap_or_else(|| {
        minijinja::context! {
            values => state.lookup("values"),
            release => state.lookup("release"),
            chart => state.lookup("chart"),
            capabilities => state.lookup("capabilities"),
        }
    });
    INCLUDE_STACK.with(|stack| stack.borrow_mut().push(name.clone()));
    let result = template.render(context);
    INCLUDE_STACK.with(|stack| {
        stack.borrow_mut().pop();
    });
    let text = result?;
    INCLUDE_SPENT.with(|spent| spent.borrow_mut().1 += text.len());
    Ok(text.trim_end_matches('\n').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, ctx: Value) -> Result<String, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        register(&mut env);
        env.render_str(source, ctx)
    }

    #[test]
    fn filters_behave_like_helm() {
        let ctx =
            minijinja::context! { m => minijinja::context! { b => "yes", a => 1 }, s => "hello" };
        assert_eq!(
            render("{{ m | toyaml }}", ctx.clone()).unwrap(),
            "b: \"yes\"\na: 1"
        );
        assert_eq!(
            render("x:{{ m | toyaml | nindent(2) }}", ctx.clone()).unwrap(),
            "x:\n  b: \"yes\"\n  a: 1"
        );
        assert_eq!(
            render("{{ 'a\nb' | indent(2) }}", ctx.clone()).unwrap(),
            "  a\n  b"
        );
        assert_eq!(
            render("{{ m | tojson }}", ctx.clone()).unwrap(),
            r#"{"b":"yes","a":1}"#
        );
        assert_eq!(
            render("{{ 'say \"hi\"' | quote }}", ctx.clone()).unwrap(),
            r#""say \"hi\"""#
        );
        assert_eq!(
            render("{{ s | b64encode }}", ctx.clone()).unwrap(),
            "aGVsbG8="
        );
        assert_eq!(
            render("{{ 'aGVsbG8=' | b64decode }}", ctx.clone()).unwrap(),
            "hello"
        );
        assert_eq!(
            render("{{ s | sha256 }}", ctx.clone()).unwrap(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            render("{{ s | required('need s') }}", ctx.clone()).unwrap(),
            "hello"
        );
        assert_eq!(render("{{ nope | default('d') }}", ctx).unwrap(), "d");
    }

    #[test]
    fn required_and_fail_stop_rendering_with_the_message() {
        let err = render("{{ nope | required('set nope') }}", Value::UNDEFINED).unwrap_err();
        assert_eq!(err.detail(), Some("set nope"));
        let err = render("{{ fail('no way') }}", Value::UNDEFINED).unwrap_err();
        assert_eq!(err.detail(), Some("no way"));
    }
}
