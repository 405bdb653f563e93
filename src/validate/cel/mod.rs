//! CEL rules (`x-kubernetes-validations`) of CustomResourceDefinitions and of the built-in
//! Gateway API kinds, evaluated offline with the `cel` crate and Kubernetes' CEL libraries
//! (strings, lists, regex, quantity, URL, IP and CIDR, durations and timestamps, written
//! here).
//!
//! Rules come from files anyone can commit, so each is bounded before it runs: at most
//! [`MAX_RULE_BYTES`] of text, brackets nested at most [`MAX_NESTING`] deep and at most
//! [`MAX_TOKENS`] operators (the parser recurses per level); compilation and evaluation run
//! on a thread with a large stack; a rule's estimated cost, the longest list or map in
//! `self` raised to the number of comprehensions it holds, times the rule's length, must
//! stay under [`MAX_COST`]; and the functions
//! that can grow a value (`replace`, `join`, regular expressions) cap what they make.
//! Kubernetes' standard extension libraries are not registered as a whole
//! (`lists.range(1000000)` would make a million items out of nothing).
//!
//! Rules are compiled when a value first reaches their schema node, so a kind with many
//! rules costs only what its objects use. `self` is the value as the API server sees it:
//! defaulted, with escaped property names ([`convert`]).
//!
//! Skipped, and counted: transition rules (they read `oldSelf`, the object before an
//! update), and rules that call a function tack does not provide (`format()`, `lists.*`,
//! `sets.*`, `authz`...).

mod convert;
mod kube;
mod strings;
mod time;

use cel::{Context, Env, ExecutionError, Program, Value};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

/// The longest rule compiled.
pub(crate) const MAX_RULE_BYTES: usize = 4096;
/// The deepest bracket nesting of a rule.
pub(crate) const MAX_NESTING: usize = 32;
/// The most operators and member accesses in a rule.
pub(crate) const MAX_TOKENS: usize = 512;
/// The largest estimated cost of evaluating a rule once.
pub(crate) const MAX_COST: f64 = 1e8;
/// The longest message a `messageExpression` may give (longer ones are cut).
const MAX_MESSAGE_CHARS: usize = 500;
/// The stack of the thread rules compile and run on.
const STACK_BYTES: usize = 64 << 20;

/// One `x-kubernetes-validations` rule, compiled.
#[derive(Clone)]
pub(crate) struct Rule {
    /// The rule's text.
    pub text: String,
    /// `message`, or a message made from the rule.
    pub message: String,
    /// `messageExpression`, compiled: a message made from the value.
    message_expression: Option<Result<Arc<Program>, String>>,
    /// `fieldPath`, as a JSON Pointer below the node (`.spec.x` -> `/spec/x`).
    pub field_path: Option<String>,
    /// The compiled program, or why it does not compile.
    pub program: Result<Arc<Program>, String>,
    /// It reads `oldSelf`: only meaningful on updates.
    pub transition: bool,
    /// Comprehensions (`all`, `exists`, `map`...) in the rule and its message expression:
    /// the exponent of its cost.
    comprehensions: u32,
}

/// What evaluating a rule on a value found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// The rule holds.
    Holds,
    /// The rule is false: its message.
    Fails(String),
    /// It could not be evaluated as the API server would (an error it would report too).
    Error(String),
    /// Not evaluated: a transition rule, or a function tack does not provide.
    Skipped,
    /// Too costly to evaluate for a value this large.
    TooCostly(f64),
}

static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| Arc::new(Env::stdlib()));

/// Why a rule's text is refused before parsing, if it is.
fn too_complex(text: &str) -> Option<String> {
    if text.len() > MAX_RULE_BYTES {
        return Some(format!("the rule is longer than {MAX_RULE_BYTES} bytes"));
    }
    let (mut depth, mut deepest, mut tokens) = (0usize, 0usize, 0usize);
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'<' | b'>' | b'=' | b'!'
            | b'?' | b',' => tokens += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Some(format!(
            "the rule nests brackets {deepest} deep; tack evaluates at most {MAX_NESTING}"
        ));
    }
    (tokens > MAX_TOKENS).then(|| {
        format!("the rule has more than {MAX_TOKENS} operators; tack evaluates at most that many")
    })
}

/// Counts comprehension macros (`.all(`, `.exists(`, `.exists_one(`, `.map(`, `.filter(`).
fn comprehensions(text: &str) -> u32 {
    [
        ".all(",
        ".exists(",
        ".exists_one(",
        ".existsOne(",
        ".map(",
        ".filter(",
    ]
    .iter()
    .map(|m| u32::try_from(text.matches(m).count()).unwrap_or(u32::MAX))
    .sum()
}

/// Compiles the rules of one schema node (a list of `x-kubernetes-validations` items), on a
/// thread with a large stack.
#[cfg(test)]
fn compile_rules(rules: &[Json]) -> Vec<Rule> {
    on_big_stack(|| rules.iter().map(compile_rule).collect()).unwrap_or_default()
}

fn compile_text(text: &str) -> Result<Arc<Program>, String> {
    match too_complex(text) {
        Some(reason) => Err(reason),
        None => ENV
            .compile(&strings::cached_matches(text))
            .map(Arc::new)
            .map_err(|e| e.to_string()),
    }
}

/// Compiles one rule; call on a thread with a large stack.
fn compile_rule(item: &Json) -> Rule {
    let text = item["rule"].as_str().unwrap_or("").to_string();
    let message = item["message"].as_str().map_or_else(
        || format!("failed rule: {}", shorten(&text)),
        str::to_string,
    );
    let expression = item["messageExpression"].as_str();
    let field_path = item["fieldPath"].as_str().map(field_path_pointer);
    Rule {
        transition: text.contains("oldSelf"),
        comprehensions: comprehensions(&text).saturating_add(expression.map_or(0, comprehensions)),
        program: compile_text(&text),
        message_expression: expression.map(compile_text),
        text,
        message,
        field_path,
    }
}

/// A rule or key as messages quote it: at most 120 characters.
pub(crate) fn shorten(text: &str) -> String {
    crate::diagnostic::shorten(text, 120).into_owned()
}

/// `.spec.ports[0]` or `.metadata['x']` -> `/spec/ports/0`, `/metadata/x`.
fn field_path_pointer(path: &str) -> String {
    let mut pointer = String::new();
    let mut segment = String::new();
    let flush = |segment: &mut String, pointer: &mut String| {
        if !segment.is_empty() {
            pointer.push('/');
            pointer.push_str(&super::document::escape_segment(segment));
            segment.clear();
        }
    };
    for c in path.chars() {
        match c {
            '.' | '[' | ']' => flush(&mut segment, &mut pointer),
            '\'' | '"' => {}
            c => segment.push(c),
        }
    }
    flush(&mut segment, &mut pointer);
    pointer
}

/// The rules of one schema node, compiled when first needed.
struct NodeRules {
    items: Vec<Json>,
    compiled: OnceLock<Vec<Rule>>,
}

impl NodeRules {
    /// The compiled rules; call on a thread with a large stack.
    fn rules(&self) -> &[Rule] {
        self.compiled
            .get_or_init(|| self.items.iter().map(compile_rule).collect())
    }
}

/// The CEL rules of a self-contained schema (a CRD version's, or a built-in Gateway API
/// kind's with its references resolved), by the JSON Pointer of their schema node
/// (`/properties/spec`).
#[derive(Default)]
pub(crate) struct SchemaRules {
    by_node: HashMap<String, NodeRules>,
}

impl std::fmt::Debug for SchemaRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRules")
            .field("nodes", &self.by_node.len())
            .finish()
    }
}

/// A schema problem a rule found: (JSON Pointer, message).
pub(crate) type RuleProblem = (String, String);

impl SchemaRules {
    /// Finds every `x-kubernetes-validations` list of `schema` (compiled later, when a
    /// value reaches it).
    pub(crate) fn of(schema: &Json) -> SchemaRules {
        let mut by_node = HashMap::new();
        let mut stack = vec![(String::new(), schema)];
        while let Some((pointer, node)) = stack.pop() {
            if let Some(Json::Array(rules)) = node.get("x-kubernetes-validations") {
                by_node.insert(
                    pointer.clone(),
                    NodeRules {
                        items: rules.clone(),
                        compiled: OnceLock::new(),
                    },
                );
            }
            for (segment, child) in super::crd::children(node) {
                if !["allOf", "anyOf", "oneOf", "not"]
                    .iter()
                    .any(|k| segment.starts_with(k))
                {
                    stack.push((format!("{pointer}/{segment}"), child));
                }
            }
        }
        SchemaRules { by_node }
    }

    /// Whether there is any rule.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_node.is_empty()
    }

    /// How many rules there are, over all nodes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_node.values().map(|node| node.items.len()).sum()
    }

    /// Every rule `value` breaks, and how many rules were skipped (transition rules,
    /// functions tack does not provide).
    pub(crate) fn problems(&self, schema: &Json, value: &Json) -> (Vec<RuleProblem>, usize) {
        let mut jobs: Vec<(&NodeRules, &Json, &Json, String)> = Vec::new();
        super::crd::walk_with_schema(schema, value, &mut |schema_pointer, path, node, value| {
            if let Some(rules) = self.by_node.get(schema_pointer)
                && !past_its_limit(node, value)
            {
                jobs.push((rules, node, value, path.to_string()));
            }
        });
        if jobs.is_empty() {
            return (Vec::new(), 0);
        }
        let verdicts = on_big_stack(|| {
            let base = base_context();
            jobs.iter()
                .map(|(rules, node, value, _)| {
                    let size = widest(value);
                    let mut scope = base.new_inner_scope();
                    scope.add_variable_from_value("self", convert::to_cel(value, Some(node)));
                    rules
                        .rules()
                        .iter()
                        .map(|rule| evaluate(rule, &scope, size))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        });
        let mut problems = Vec::new();
        let mut skipped = 0;
        let Some(verdicts) = verdicts else {
            for (_, _, _, path) in &jobs {
                problems.push((
                    path.clone(),
                    "the rules of this field could not be evaluated: tack's CEL evaluator failed on them (please report it)".to_string(),
                ));
            }
            return (problems, skipped);
        };
        for ((rules, _, _, path), verdicts) in jobs.iter().zip(verdicts) {
            let compiled = rules.compiled.get().map_or(&[][..], Vec::as_slice);
            for (rule, verdict) in compiled.iter().zip(verdicts) {
                let at = format!("{path}{}", rule.field_path.as_deref().unwrap_or(""));
                match verdict {
                    Verdict::Holds => {}
                    Verdict::Skipped => skipped += 1,
                    Verdict::Fails(message) => problems.push((at, message)),
                    Verdict::Error(error) => problems.push((
                        at,
                        format!("the rule `{}` could not be evaluated: {error}", shorten(&rule.text)),
                    )),
                    Verdict::TooCostly(cost) => problems.push((
                        at,
                        format!(
                            "the rule `{}` is too costly to evaluate for this object (about {cost:.0e} steps; tack's limit is {MAX_COST:.0e}): bound the lists it walks with maxItems",
                            shorten(&rule.text),
                        ),
                    )),
                }
            }
        }
        problems.sort();
        (problems, skipped)
    }

    /// The rules that do not compile (each compiled now): (schema pointer, rule index, why).
    pub(crate) fn compile_errors(&self) -> Vec<(String, usize, String)> {
        let errors = on_big_stack(|| {
            let mut errors: Vec<(String, usize, String)> = Vec::new();
            for (pointer, node) in &self.by_node {
                for (i, rule) in node.rules().iter().enumerate() {
                    let expression = rule
                        .message_expression
                        .as_ref()
                        .and_then(|e| e.as_ref().err());
                    if let Some(error) = rule.program.as_ref().err().or(expression) {
                        errors.push((pointer.clone(), i, error.clone()));
                    }
                }
            }
            errors
        });
        let mut errors = errors.unwrap_or_default();
        errors.sort();
        errors
    }
}

/// Evaluates `rules` with `self` bound to each value of `nodes` (no schema: no defaults,
/// names as they are), on one thread with a large stack: a verdict per rule per node.
#[cfg(test)]
fn evaluate_all(jobs: &[(&[Rule], &Json)]) -> Vec<Vec<Verdict>> {
    on_big_stack(|| {
        let base = base_context();
        jobs.iter()
            .map(|(rules, value)| {
                let size = widest(value);
                let mut scope = base.new_inner_scope();
                scope.add_variable_from_value("self", convert::to_cel(value, None));
                rules
                    .iter()
                    .map(|rule| evaluate(rule, &scope, size))
                    .collect()
            })
            .collect()
    })
    .unwrap_or_default()
}

/// A list longer than its `maxItems` (a map with more than `maxProperties`): the schema
/// already rejects it, and its rules, which the API server budgets by those limits, are not
/// run over a hostile number of items.
pub(crate) fn past_its_limit(node: &Json, value: &Json) -> bool {
    let limit = |keyword: &str| {
        node.get(keyword)
            .and_then(Json::as_u64)
            .and_then(|l| usize::try_from(l).ok())
    };
    match value {
        Json::Array(items) => limit("maxItems").is_some_and(|max| items.len() > max),
        Json::Object(fields) => limit("maxProperties").is_some_and(|max| fields.len() > max),
        _ => false,
    }
}

/// The most items of any list or map in `value`: what one comprehension may walk.
fn widest(value: &Json) -> usize {
    let mut widest = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Json::Array(items) => {
                widest = widest.max(items.len());
                stack.extend(items);
            }
            Json::Object(fields) => {
                widest = widest.max(fields.len());
                stack.extend(fields.values());
            }
            _ => {}
        }
    }
    widest
}

/// A context with every function rules may call; `self` goes in an inner scope per value.
fn base_context() -> Context<'static, 'static> {
    let mut context = Context::with_env(Arc::clone(&ENV));
    strings::register(&mut context);
    kube::register(&mut context);
    time::register(&mut context);
    context
}

/// Evaluates `rule` in `context` (which binds `self`, a value whose longest list or map has
/// `size` items).
fn evaluate(rule: &Rule, context: &Context<'_, '_>, size: usize) -> Verdict {
    if rule.transition {
        return Verdict::Skipped;
    }
    let Ok(program) = &rule.program else {
        // Reported once, against the CRD.
        return Verdict::Skipped;
    };
    let cost = (size.max(1) as f64).powi(i32::try_from(rule.comprehensions).unwrap_or(i32::MAX))
        * rule.text.len().max(1) as f64;
    if cost > MAX_COST {
        return Verdict::TooCostly(cost);
    }
    match program.execute(context) {
        Ok(Value::Bool(true)) => Verdict::Holds,
        Ok(Value::Bool(false)) => Verdict::Fails(message(rule, context)),
        Ok(other) => Verdict::Error(format!(
            "the rule gave {}, not a boolean",
            type_name(&other)
        )),
        Err(
            ExecutionError::UndeclaredReference(_) | ExecutionError::NotSupportedAsMethod { .. },
        ) => Verdict::Skipped,
        Err(ExecutionError::NoSuchOverload(_)) => Verdict::Skipped,
        Err(error) => Verdict::Error(describe_error(&error)),
    }
}

/// The message of a failed rule: its `messageExpression`'s string when that gives a
/// one-line, non-blank one (as the API server does), else `message`.
fn message(rule: &Rule, context: &Context<'_, '_>) -> String {
    let made = match &rule.message_expression {
        Some(Ok(program)) => program.execute(context).ok(),
        _ => None,
    };
    match made {
        Some(Value::String(text)) if !text.trim().is_empty() && !text.contains('\n') => {
            crate::diagnostic::shorten(&text, MAX_MESSAGE_CHARS).into_owned()
        }
        _ => rule.message.clone(),
    }
}

/// An evaluation error in words that never quote a value of the object (the `cel` crate's
/// own messages print the values involved, which may be secret).
fn describe_error(error: &ExecutionError) -> String {
    match error {
        ExecutionError::NoSuchKey(key) => format!("no such key: {}", shorten(key)),
        // tack's own functions: their messages name limits, never values (the crate's own
        // functions may quote their arguments).
        ExecutionError::FunctionError { function, message }
            if strings::NAMES.contains(&function.as_str())
                || kube::NAMES.contains(&function.as_str())
                || time::NAMES.contains(&function.as_str()) =>
        {
            format!("{function}: {message}")
        }
        ExecutionError::FunctionError { function, .. } => {
            format!("{function}() failed on this value")
        }
        ExecutionError::DivisionByZero(_) => "division by zero".to_string(),
        ExecutionError::RemainderByZero(_) => "remainder by zero".to_string(),
        ExecutionError::ValuesNotComparable(..) => "the values cannot be compared".to_string(),
        ExecutionError::UnsupportedBinaryOperator(operator, ..) => {
            format!("operator {operator} does not apply to these values")
        }
        ExecutionError::InvalidArgumentCount { expected, actual } => {
            format!("a function expected {expected} arguments, got {actual}")
        }
        _ => "a value does not fit the operation (wrong type, index or key)".to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "a number",
        Value::String(_) => "a string",
        Value::Null => "null",
        _ => "a value",
    }
}

/// Runs `work` on a thread with [`STACK_BYTES`] of stack; `None` if it panicked.
fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tack-cel".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .ok()?
            .join()
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn verdict(rule: &str, value: serde_json::Value) -> Verdict {
        let rules = compile_rules(&[json!({"rule": rule})]);
        evaluate_all(&[(&rules, &value)]).remove(0).remove(0)
    }

    #[test]
    fn rules_hold_or_fail() {
        let value = json!({"minReplicas": 1, "maxReplicas": 3, "name": "Web", "ports": [80, 443]});
        assert_eq!(
            verdict("self.minReplicas <= self.maxReplicas", value.clone()),
            Verdict::Holds
        );
        assert!(matches!(
            verdict("self.minReplicas > self.maxReplicas", value.clone()),
            Verdict::Fails(_)
        ));
        assert_eq!(
            verdict("self.name.lowerAscii() == 'web'", value.clone()),
            Verdict::Holds
        );
        assert_eq!(
            verdict(
                "self.ports.isSorted() && self.ports.sum() == 523",
                value.clone()
            ),
            Verdict::Holds
        );
        assert_eq!(
            verdict(
                "self.ports.all(p, p > 0) && self.ports.exists_one(p, p == 80)",
                value.clone()
            ),
            Verdict::Holds
        );
        assert_eq!(
            verdict("'a,b'.split(',').join('-') == 'a-b'", value.clone()),
            Verdict::Holds
        );
        assert_eq!(
            verdict("has(self.spec) || !has(self.other)", value.clone()),
            Verdict::Holds
        );
        assert!(matches!(
            verdict("self.missing == 1", value.clone()),
            Verdict::Error(_)
        ));
        // The crate's messages print values; tack's never do.
        let secret = json!({"token": "Pl4nt3d-hunter2"});
        let Verdict::Error(message) = verdict("self.token - 1 == 0", secret) else {
            panic!("comparing a string with a number is an error")
        };
        assert!(!message.contains("hunter2"), "{message}");
        let secret = json!({"token": "Pl4nt3d-hunter2"});
        if let Verdict::Error(message) = verdict("int(self.token) > 0", secret) {
            assert!(!message.contains("hunter2"), "{message}");
        }
        assert_eq!(
            verdict("self.x == oldSelf.x", value.clone()),
            Verdict::Skipped
        );
        assert_eq!(
            verdict("lists.range(3).size() == 3", value),
            Verdict::Skipped
        );
    }

    #[test]
    fn kubernetes_libraries() {
        let value = json!({
            "memory": "1Gi", "limit": "2Gi", "cpu": "250m",
            "endpoint": "https://example.com:8443/v1?x=1",
            "address": "10.1.2.3", "range": "10.0.0.0/8",
            "timeout": "1m30s", "id": "run-42",
        });
        for rule in [
            "quantity(self.memory).isLessThan(quantity(self.limit))",
            "quantity(self.memory).add(quantity(self.memory)) == quantity(self.limit)",
            "quantity(self.cpu).compareTo(quantity('0.25')) == 0",
            "!quantity(self.cpu).isInteger() && quantity(self.limit).asInteger() == 2147483648",
            "quantity(self.limit).sub(1).sign() == 1 && quantity(self.cpu).asApproximateFloat() == 0.25",
            "isQuantity(self.memory) && !isQuantity('3GB')",
            "url(self.endpoint).getHostname() == 'example.com' && url(self.endpoint).getPort() == '8443'",
            "url(self.endpoint).getScheme() == 'https' && url(self.endpoint).getEscapedPath() == '/v1'",
            "url(self.endpoint).getQuery()['x'] == ['1'] && isURL('/healthz') && !isURL('example.com')",
            "ip(self.address).family() == 4 && !ip(self.address).isLoopback() && ip('::1').isLoopback()",
            "cidr(self.range).containsIP(self.address) && cidr(self.range).prefixLength() == 8",
            "cidr('10.1.0.0/16').masked() == cidr('10.1.0.0/16') && cidr(self.range).containsCIDR('10.2.0.0/16')",
            "isIP(self.address) && !isIP('10.0.0.300') && isCIDR(self.range) && !isCIDR(self.address)",
            "ip(self.address).isGlobalUnicast() && !ip('169.254.0.1').isGlobalUnicast()",
            "self.id.find('[0-9]+') == '42' && 'a1b22'.findAll('[0-9]+') == ['1', '22']",
            "duration(self.timeout) > duration('1m') && duration('0s') == duration('0ms')",
        ] {
            assert_eq!(verdict(rule, value.clone()), Verdict::Holds, "{rule}");
        }
        for rule in [
            "quantity(self.address) == quantity('1')",
            "url(self.id).getHost() == ''",
            "ip(self.range).family() == 4",
            "cidr(self.address).prefixLength() == 32",
        ] {
            let Verdict::Error(message) = verdict(rule, value.clone()) else {
                panic!("{rule} is an error")
            };
            assert!(
                !message.contains("10.") && !message.contains("run-42"),
                "{message}"
            );
        }
    }

    #[test]
    fn message_expressions_make_the_message() {
        let rules = compile_rules(&[
            json!({"rule": "self.replicas <= 3", "message": "too many",
                   "messageExpression": "'replicas is ' + string(self.replicas) + ', at most 3'"}),
            json!({"rule": "self.replicas <= 3", "message": "too many",
                   "messageExpression": "self.missing"}),
            json!({"rule": "self.replicas <= 3", "message": "too many",
                   "messageExpression": "'two\\nlines'"}),
        ]);
        let verdicts = evaluate_all(&[(&rules, &json!({"replicas": 5}))]).remove(0);
        assert_eq!(
            verdicts,
            [
                Verdict::Fails("replicas is 5, at most 3".into()),
                Verdict::Fails("too many".into()),
                Verdict::Fails("too many".into()),
            ]
        );
    }

    #[test]
    fn schema_rules_see_defaults_and_escaped_names() {
        let schema = json!({
            "type": "object",
            "properties": {
                "kind": {"type": "string", "default": "Service"},
                "namespace": {"type": "string"},
                "port": {"type": "integer"},
            },
            "x-kubernetes-validations": [
                {"rule": "self.kind == 'Service' ? has(self.port) : true", "message": "needs a port"},
                {"rule": "!has(self.__namespace__) || self.__namespace__ != 'default'",
                 "message": "not in default", "fieldPath": ".namespace"},
            ],
        });
        let rules = SchemaRules::of(&schema);
        assert!(rules.compile_errors().is_empty());
        let (problems, skipped) = rules.problems(&schema, &json!({"namespace": "default"}));
        assert_eq!(skipped, 0);
        assert_eq!(
            problems,
            [
                (String::new(), "needs a port".to_string()),
                ("/namespace".to_string(), "not in default".to_string()),
            ]
        );
        let (problems, _) = rules.problems(&schema, &json!({"port": 80, "namespace": "ml"}));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn hostile_rules_are_bounded() {
        let deep = format!("{}true{}", "(".repeat(100), ")".repeat(100));
        let huge = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
        let rules = compile_rules(&[json!({"rule": deep}), json!({"rule": huge})]);
        assert!(
            rules[0]
                .program
                .as_ref()
                .is_err_and(|e| e.contains("nests brackets"))
        );
        assert!(
            rules[1]
                .program
                .as_ref()
                .is_err_and(|e| e.contains("longer than"))
        );
        let chain = vec!["1"; 5_000].join("+");
        let rules = compile_rules(&[json!({"rule": format!("{chain} > 0")})]);
        assert!(rules[0].program.is_err());
        // `replace('', s)` squares a string; capped.
        let big = json!({"s": "x".repeat(100_000)});
        assert!(matches!(
            verdict("self.s.replace('', self.s).size() > 0", big.clone()),
            Verdict::Error(_)
        ));
        // Nested comprehensions over a large value: refused by the cost estimate.
        let list = json!((0..5_000).collect::<Vec<_>>());
        assert!(matches!(
            verdict("self.all(x, self.all(y, x + y >= 0))", list),
            Verdict::TooCostly(_)
        ));
    }

    #[test]
    fn field_paths_become_pointers() {
        assert_eq!(field_path_pointer(".spec.ports[0]"), "/spec/ports/0");
        assert_eq!(field_path_pointer(".metadata['a/b']"), "/metadata/a~1b");
    }
}
