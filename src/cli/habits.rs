//! What Helm users type by reflex, answered in one line: the commands and flags tack has no
//! use for (it renders and validates offline; kubectl or Argo CD apply), each with what to
//! do instead, in place of clap's guesses ("a similar argument exists: '--values'").

use std::ffi::OsString;

/// An answer: the message and what to do instead.
pub(super) struct Answer {
    pub message: String,
    pub help: &'static str,
}

const APPLY: &str = "tack render CHART -f VALUES | kubectl apply -f -   (or let Argo CD apply it)";

/// Helm commands with no tack equivalent.
const COMMANDS: [(&str, &str, &str); 12] = [
    ("install", "tack does not talk to a cluster", APPLY),
    ("upgrade", "tack does not talk to a cluster", APPLY),
    (
        "rollback",
        "tack keeps no release history: a rollback is the previous values rendered again",
        "git revert the change (or check out the earlier value file), then: tack render CHART -f VALUES | kubectl apply -f -",
    ),
    (
        "uninstall",
        "tack does not talk to a cluster",
        "tack render CHART -f VALUES | kubectl delete -f -   (or prune with ApplySets: see the README's \"Pruning what a change removes\")",
    ),
    (
        "get",
        "tack keeps no release state: the manifest is the render of the chart and values in git",
        "tack render CHART -f VALUES prints it again; kubectl get all -l app.kubernetes.io/instance=NAME -o yaml shows what the cluster runs",
    ),
    (
        "status",
        "tack keeps no release state",
        "kubectl get all -l app.kubernetes.io/instance=NAME, and kubectl rollout status deployment/NAME",
    ),
    (
        "history",
        "tack keeps no release history: the history is git's",
        "git log -- CHART VALUES",
    ),
    (
        "list",
        "tack keeps no release state: the releases are the entries of tack.yaml",
        "tack render -r tack.yaml renders them all",
    ),
    (
        "repo",
        "tack charts are folders in git: there are no chart repositories",
        "several charts together are the releases of a tack.yaml (README: Releases file)",
    ),
    (
        "dependency",
        "tack charts have no subcharts: several charts together are the releases of a tack.yaml",
        "list each chart as a release in tack.yaml and render them with tack render -r tack.yaml",
    ),
    (
        "package",
        "tack charts are folders in git: there is nothing to package",
        "commit the chart folder; pin a version with a git tag",
    ),
    (
        "pull",
        "tack charts are folders in git: there is nothing to pull",
        "git clone (or a git submodule) brings the chart folder",
    ),
];

/// Helm flags with no tack equivalent.
const FLAGS: [(&str, &str, &str); 8] = [
    (
        "--post-renderer",
        "tack has no post-renderer",
        "change objects with `patches:` in the values (README: When the model is not enough), or pipe the render through kustomize",
    ),
    (
        "--validate",
        "tack always validates, offline, against the schema of --kube-version",
        "to ask a live cluster as well: tack render CHART | kubectl apply --dry-run=server -f -",
    ),
    (
        "--dry-run",
        "tack never changes a cluster: tack render is the dry run",
        "tack render CHART | kubectl apply --dry-run=server -f -   checks against a live cluster",
    ),
    (
        "--create-namespace",
        "tack does not create namespaces on the side",
        "add a Namespace object to the chart's templates/, or run kubectl create namespace NS once",
    ),
    (
        "--wait",
        "tack does not apply, so it has nothing to wait for",
        "kubectl rollout status deployment/NAME after kubectl apply",
    ),
    (
        "--atomic",
        "tack does not apply, so it has nothing to roll back",
        "kubectl rollout undo deployment/NAME, or re-render the previous values",
    ),
    ("--install", "tack does not talk to a cluster", APPLY),
    (
        "--reuse-values",
        "tack keeps no release state: the values are the files in git",
        "pass the same -f files (and --set flags) again",
    ),
];

/// The answer for `args` (the whole command line), if it holds a Helm habit.
pub(super) fn answer(args: &[OsString]) -> Option<Answer> {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let mut rest = words.as_slice();
    // Global options before the command.
    while let [first, more @ ..] = rest {
        if *first == "--color" {
            rest = more.get(1..).unwrap_or(&[]);
        } else if first.starts_with("--color=") {
            rest = more;
        } else {
            break;
        }
    }
    let command = *rest.first()?;
    if let Some((name, message, help)) = COMMANDS.iter().find(|(name, ..)| *name == command) {
        return Some(Answer {
            message: format!("`{name}` is a Helm command; {message}"),
            help,
        });
    }
    let arguments = rest.get(1..).unwrap_or(&[]);
    for (i, word) in arguments.iter().enumerate() {
        if *word == "--" {
            break;
        }
        let flag = word.split('=').next().unwrap_or(word);
        if let Some((name, message, help)) = FLAGS.iter().find(|(name, ..)| *name == flag) {
            return Some(Answer {
                message: format!("`{name}` is a Helm flag; {message}"),
                help,
            });
        }
        // `-o DIR` from before `-o` meant the output format.
        if matches!(command, "render" | "template")
            && matches!(*word, "-o" | "--output")
            && let Some(value) = arguments.get(i + 1)
            && !matches!(*value, "yaml" | "json")
        {
            return Some(Answer {
                message: format!("`{word}` is the output format (yaml or json), as kubectl's"),
                help: "to write one file per object into a folder: --output-dir DIR",
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<OsString> {
        std::iter::once("tack")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn helm_habits_get_an_answer() {
        for (line, said) in [
            (
                "install mnist charts/model-serving",
                "`install` is a Helm command",
            ),
            (
                "--color never rollback mnist 3",
                "`rollback` is a Helm command",
            ),
            ("get manifest mnist", "no release state"),
            ("render charts/x --validate", "`--validate` is a Helm flag"),
            (
                "template mnist charts/x --post-renderer ./kustomize",
                "no post-renderer",
            ),
            (
                "render charts/x --dry-run=server",
                "`--dry-run` is a Helm flag",
            ),
            ("render charts/x --create-namespace -n ml", "namespaces"),
            ("render charts/x -o out/", "the output format"),
        ] {
            let answer = answer(&words(line)).unwrap_or_else(|| panic!("{line}: no answer"));
            assert!(answer.message.contains(said), "{line}: {}", answer.message);
        }
        for line in [
            "render charts/x -o json",
            "render charts/x --set note=--validate",
            "render charts/x -- --validate",
            "validate manifests.yaml",
            "lint",
        ] {
            assert!(answer(&words(line)).is_none(), "{line}");
        }
    }
}
