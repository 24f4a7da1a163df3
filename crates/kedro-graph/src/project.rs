//! [`Project`]: a whole IR document, checked and indexed.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::{IrError, LookupError};
use crate::ir::{DatasetFacts, FORMAT, Pipeline, ProjectInfo, Selection, VERSION};
use crate::names::{DatasetName, PipelineName, base_of};

/// A whole IR document (`argo-kedro-ir`, version [`VERSION`]): the facts about one Kedro
/// project for one env.
///
/// Built by [`Project::from_json`] (or [`Project::new`], or serde); its pipeline and dataset
/// names are unique, and lookups by name are hash lookups.
///
/// ```
/// let json = r#"{
///   "format": "argo-kedro-ir", "version": 1,
///   "project": {"name": "P", "package_name": "p", "kedro_version": "1.0.0",
///               "argo_kedro_version": "0.1.0", "env": "base"},
///   "pipelines": [{"name": "__default__", "nodes": [], "groups": []}],
///   "datasets": [], "parameters": [], "config": null
/// }"#;
/// let project = kedro_graph::Project::from_json(json)?;
/// assert_eq!(project.info().env, "base");
/// assert!(project.pipeline("__default__").is_ok());
/// assert!(project.pipeline("__defualt__").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    info: ProjectInfo,
    pipelines: Vec<Pipeline>,
    datasets: Vec<DatasetFacts>,
    parameters: Vec<String>,
    config: Option<Value>,
    selection: Option<Selection>,
    pipeline_index: HashMap<PipelineName, usize>,
    dataset_index: HashMap<DatasetName, usize>,
    /// Dataset base name → indexes of its entries (one per transcoding).
    base_index: HashMap<String, Vec<usize>>,
}

/// Just the two fields checked before anything else.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

/// The document as serde sees it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc<I, P, D, S, C, L> {
    format: Value,
    version: Value,
    project: I,
    pipelines: P,
    datasets: D,
    parameters: S,
    config: C,
    /// Optional: present only for a partial run.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    selection: Option<L>,
}

type OwnedDoc =
    Doc<ProjectInfo, Vec<Pipeline>, Vec<DatasetFacts>, Vec<String>, Option<Value>, Selection>;

impl Project {
    /// Parses an IR document.
    ///
    /// Reads `format` and `version` first, so a document of another format or version fails with
    /// [`IrError::UnknownFormat`] or [`IrError::UnsupportedVersion`] rather than a structural
    /// error; then parses the rest ([`IrError::Invalid`] carries the JSON path of the offending
    /// value) and checks that pipeline and dataset names are unique.
    pub fn from_json(json: &str) -> Result<Self, IrError> {
        // Fast path: one plain parse. A valid document needs nothing else; the header check is
        // the one the slow path runs first (`null` reads as a missing field there, as here).
        if let Ok(doc) = serde_json::from_str::<OwnedDoc>(json) {
            let present = |v: &Value| !v.is_null();
            check_header(
                Some(&doc.format).filter(|v| present(v)),
                Some(&doc.version).filter(|v| present(v)),
            )?;
            return Self::from_doc(doc);
        }
        // Slow path, only for a document that does not parse: the header first (so another
        // format or version is reported as such), then the path of the offending value.
        let header: Header =
            serde_json::from_str(json).map_err(|source| match source.classify() {
                serde_json::error::Category::Data => IrError::NotAnObject { source },
                _ => IrError::Syntax { source },
            })?;
        check_header(header.format.as_ref(), header.version.as_ref())?;
        let mut de = serde_json::Deserializer::from_str(json);
        let doc: OwnedDoc = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let path = err.path().to_string();
            IrError::Invalid {
                path,
                source: err.into_inner(),
            }
        })?;
        de.end().map_err(|source| IrError::Syntax { source })?;
        Self::from_doc(doc)
    }

    fn from_doc(doc: OwnedDoc) -> Result<Self, IrError> {
        check_header(Some(&doc.format), Some(&doc.version))?;
        Ok(Self::new(
            doc.project,
            doc.pipelines,
            doc.datasets,
            doc.parameters,
            doc.config,
        )?
        .with_selection(doc.selection))
    }

    /// Assembles a project from its parts, checking that pipeline names and dataset names are
    /// unique ([`IrError::DuplicatePipeline`], [`IrError::DuplicateDataset`]).
    pub fn new(
        info: ProjectInfo,
        pipelines: Vec<Pipeline>,
        datasets: Vec<DatasetFacts>,
        parameters: Vec<String>,
        config: Option<Value>,
    ) -> Result<Self, IrError> {
        let mut pipeline_index = HashMap::with_capacity(pipelines.len());
        for (i, pipeline) in pipelines.iter().enumerate() {
            if pipeline_index.insert(pipeline.name.clone(), i).is_some() {
                return Err(IrError::DuplicatePipeline {
                    pipeline: pipeline.name.clone(),
                });
            }
        }
        let mut dataset_index = HashMap::with_capacity(datasets.len());
        let mut base_index: HashMap<String, Vec<usize>> = HashMap::with_capacity(datasets.len());
        for (i, dataset) in datasets.iter().enumerate() {
            if dataset_index.insert(dataset.name.clone(), i).is_some() {
                return Err(IrError::DuplicateDataset {
                    dataset: dataset.name.clone(),
                });
            }
            base_index
                .entry(dataset.name.base().to_owned())
                .or_default()
                .push(i);
        }
        Ok(Self {
            info,
            pipelines,
            datasets,
            parameters,
            config,
            selection: None,
            pipeline_index,
            dataset_index,
            base_index,
        })
    }

    /// The project with `selection` as its partial run (see [`Project::selection`]).
    #[must_use]
    pub fn with_selection(mut self, selection: Option<Selection>) -> Self {
        self.selection = selection;
        self
    }

    /// The partial run the exporter was asked for (the IR's optional `selection`), if any.
    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    /// Project metadata (the IR's `project` object).
    pub fn info(&self) -> &ProjectInfo {
        &self.info
    }

    /// All pipelines, in IR order (sorted by name).
    pub fn pipelines(&self) -> &[Pipeline] {
        &self.pipelines
    }

    /// The pipeline called `name`.
    ///
    /// The error, [`LookupError::UnknownPipeline`], lists the most similar known names.
    pub fn pipeline(&self, name: &str) -> Result<&Pipeline, LookupError> {
        match self.pipeline_index.get(name) {
            Some(&i) => Ok(&self.pipelines[i]),
            None => Err(LookupError::UnknownPipeline {
                pipeline: name.to_owned(),
                nearest: nearest(name, self.pipelines.iter().map(|p| &p.name)),
                known: self.pipelines.iter().map(|p| p.name.clone()).collect(),
            }),
        }
    }

    /// Catalog facts of every dataset any exported node reads or writes, in IR order.
    pub fn datasets(&self) -> &[DatasetFacts] {
        &self.datasets
    }

    /// The facts of the dataset called exactly `name` (transcoding included), if the IR has them.
    pub fn dataset(&self, name: &str) -> Option<&DatasetFacts> {
        self.dataset_index.get(name).map(|&i| &self.datasets[i])
    }

    /// The facts of every entry whose name without transcoding is `base`'s (`x`, `x@pandas`,
    /// `x@spark` for `x` or `x@spark`), in IR order.
    pub fn dataset_variants(&self, base: &str) -> impl Iterator<Item = &DatasetFacts> + '_ {
        self.base_index
            .get(base_of(base))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.datasets[i])
    }

    /// Dotted key paths of the merged parameters (no values).
    pub fn parameters(&self) -> &[String] {
        &self.parameters
    }

    /// Whether `key` (`a.b`) is a key path of the merged parameters.
    pub fn has_parameter(&self, key: &str) -> bool {
        self.parameters.iter().any(|p| p == key)
    }

    /// The merged `argo.yml` of the env, if the project has one.
    pub fn config(&self) -> Option<&Value> {
        self.config.as_ref()
    }
}

/// Checks `format` and `version`.
fn check_header(format: Option<&Value>, version: Option<&Value>) -> Result<(), IrError> {
    match format {
        None => return Err(IrError::MissingFormat),
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(IrError::UnknownFormat {
                found: other.to_string(),
            });
        }
    }
    match version {
        None => Err(IrError::MissingVersion),
        Some(v) if v.as_u64() == Some(u64::from(VERSION)) => Ok(()),
        Some(other) => Err(IrError::UnsupportedVersion {
            found: other.to_string(),
            supported: VERSION,
        }),
    }
}

/// Up to three of `candidates` most similar to `name`, best first.
fn nearest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a PipelineName>,
) -> Vec<PipelineName> {
    const THRESHOLD: f64 = 0.8;
    let mut scored: Vec<(f64, &PipelineName)> = candidates
        .map(|c| (strsim::jaro_winkler(name, c.as_str()), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c.clone()).collect()
}

impl Serialize for Project {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Doc {
            format: Value::from(FORMAT),
            version: Value::from(VERSION),
            project: &self.info,
            pipelines: &self.pipelines,
            datasets: &self.datasets,
            parameters: &self.parameters,
            config: &self.config,
            selection: self.selection.as_ref(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Project {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = OwnedDoc::deserialize(deserializer)?;
        Self::from_doc(doc).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::DatasetKind;

    fn doc(format: &str, version: &str) -> String {
        format!(
            r#"{{"format": {format}, "version": {version},
            "project": {{"name": "P", "package_name": "p", "kedro_version": "1.0.0",
                         "argo_kedro_version": "0.1.0", "env": "base"}},
            "pipelines": [{{"name": "data_processing", "nodes": [], "groups": []}},
                          {{"name": "data_science", "nodes": [], "groups": []}}],
            "datasets": [
              {{"name": "x@pandas", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false}},
              {{"name": "x@spark", "kind": "dataset", "declared": true, "type": null, "pattern": null, "memory": false}},
              {{"name": "params:a", "kind": "parameters", "declared": false, "type": null, "pattern": null, "memory": false}}
            ],
            "parameters": ["a"], "config": {{"namespace": "argo"}}}}"#
        )
    }

    fn ok() -> Project {
        Project::from_json(&doc("\"argo-kedro-ir\"", "1")).expect("valid IR")
    }

    #[test]
    fn parses_and_looks_up() {
        let p = ok();
        assert_eq!(p.pipelines().len(), 2);
        assert!(p.pipeline("data_science").is_ok());
        let facts = p.dataset("x@pandas").expect("known");
        assert_eq!(facts.dataset_type.as_deref(), Some("pandas.CSVDataset"));
        assert!(p.dataset("x").is_none());
        assert_eq!(p.dataset_variants("x@other").count(), 2);
        assert_eq!(
            p.dataset("params:a").map(|d| d.kind),
            Some(DatasetKind::Parameters)
        );
        assert!(p.has_parameter("a"));
        assert!(!p.has_parameter("b"));
        assert_eq!(
            p.config().and_then(|c| c.get("namespace")),
            Some(&Value::from("argo"))
        );
    }

    #[test]
    fn round_trips_through_serde() {
        let p = ok();
        let json = serde_json::to_string(&p).expect("serialize");
        assert_eq!(Project::from_json(&json).expect("reparse"), p);
        let via_serde: Project = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(via_serde, p);
    }

    #[test]
    fn selection_is_optional_and_round_trips() {
        assert!(ok().selection().is_none());
        let json = serde_json::to_string(&ok()).expect("serialize");
        assert!(!json.contains("selection"), "absent unless given: {json}");
        let with = doc("\"argo-kedro-ir\"", "1").replacen(
            "\"parameters\": [\"a\"]",
            r#""parameters": ["a"], "selection": {"pipeline": "data_science",
               "filter": {"nodes": ["n"], "from_nodes": [], "to_nodes": [], "tags": ["t"]},
               "nodes": ["n"]}"#,
            1,
        );
        let p = Project::from_json(&with).expect("valid IR with a selection");
        let selection = p.selection().expect("kept");
        assert_eq!(selection.pipeline.as_str(), "data_science");
        assert_eq!(selection.filter.to_options(), "--nodes=n --tags=t");
        let again =
            Project::from_json(&serde_json::to_string(&p).expect("serialize")).expect("reparse");
        assert_eq!(again, p);
        let bad = with.replace("\"tags\": [\"t\"]", "\"tag\": [\"t\"]");
        match Project::from_json(&bad) {
            Err(IrError::Invalid { path, .. }) => assert_eq!(path, "selection.filter.tag"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_pipeline_names_the_nearest() {
        let err = ok().pipeline("data_sience").expect_err("unknown");
        let LookupError::UnknownPipeline { nearest, known, .. } = &err;
        assert_eq!(
            nearest.first().map(PipelineName::as_str),
            Some("data_science")
        );
        assert_eq!(known.len(), 2);
        assert!(
            err.to_string().contains("did you mean `data_science`"),
            "{err}"
        );
    }

    #[test]
    fn header_errors() {
        type Check = fn(&IrError) -> bool;
        let cases: [(&str, &str, Check); 5] = [
            (
                "\"other\"",
                "1",
                |e| matches!(e, IrError::UnknownFormat { found } if found == "\"other\""),
            ),
            ("1", "1", |e| matches!(e, IrError::UnknownFormat { .. })),
            (
                "\"argo-kedro-ir\"",
                "2",
                |e| matches!(e, IrError::UnsupportedVersion { found, supported: 1 } if found == "2"),
            ),
            ("\"argo-kedro-ir\"", "\"1\"", |e| {
                matches!(e, IrError::UnsupportedVersion { .. })
            }),
            ("\"argo-kedro-ir\"", "1.5", |e| {
                matches!(e, IrError::UnsupportedVersion { .. })
            }),
        ];
        for (format, version, check) in cases {
            let err = Project::from_json(&doc(format, version)).expect_err("bad header");
            assert!(check(&err), "{format} {version}: {err:?}");
        }
    }

    #[test]
    fn version_is_checked_before_structure() {
        let err =
            Project::from_json(r#"{"format": "argo-kedro-ir", "version": 2, "pipelines": 3}"#)
                .expect_err("v2");
        assert!(matches!(err, IrError::UnsupportedVersion { .. }), "{err:?}");
    }

    #[test]
    fn missing_header_fields() {
        assert!(matches!(
            Project::from_json("{}"),
            Err(IrError::MissingFormat)
        ));
        assert!(matches!(
            Project::from_json(r#"{"format": "argo-kedro-ir"}"#),
            Err(IrError::MissingVersion)
        ));
    }

    #[test]
    fn not_json_or_not_an_object() {
        assert!(matches!(
            Project::from_json("{"),
            Err(IrError::Syntax { .. })
        ));
        assert!(matches!(
            Project::from_json("[1]"),
            Err(IrError::NotAnObject { .. })
        ));
        let trailing = format!("{} x", doc("\"argo-kedro-ir\"", "1"));
        assert!(matches!(
            Project::from_json(&trailing),
            Err(IrError::Syntax { .. })
        ));
    }

    #[test]
    fn structural_errors_carry_the_path() {
        let bad =
            doc("\"argo-kedro-ir\"", "1").replace("\"name\": \"data_science\"", "\"name\": \"\"");
        match Project::from_json(&bad) {
            Err(IrError::Invalid { path, source }) => {
                assert_eq!(path, "pipelines[1].name");
                assert!(
                    source.to_string().contains("invalid pipeline name"),
                    "{source}"
                );
            }
            other => panic!("{other:?}"),
        }
        let extra = doc("\"argo-kedro-ir\"", "1").replace(
            "\"parameters\": [\"a\"]",
            "\"parameters\": [\"a\"], \"extra\": 1",
        );
        assert!(matches!(
            Project::from_json(&extra),
            Err(IrError::Invalid { .. })
        ));
        let empty_env = doc("\"argo-kedro-ir\"", "1").replace("\"env\": \"base\"", "\"env\": \"\"");
        match Project::from_json(&empty_env) {
            Err(IrError::Invalid { path, .. }) => assert_eq!(path, "project.env"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicates() {
        let dup_pipeline = doc("\"argo-kedro-ir\"", "1").replace("data_processing", "data_science");
        assert!(matches!(
            Project::from_json(&dup_pipeline),
            Err(IrError::DuplicatePipeline { pipeline }) if pipeline == "data_science"
        ));
        let dup_dataset = doc("\"argo-kedro-ir\"", "1").replace("x@spark", "x@pandas");
        assert!(matches!(
            Project::from_json(&dup_dataset),
            Err(IrError::DuplicateDataset { dataset }) if dataset == "x@pandas"
        ));
    }

    #[test]
    fn serde_path_checks_the_header_too() {
        let v2 = doc("\"argo-kedro-ir\"", "2");
        let err = serde_json::from_str::<Project>(&v2).expect_err("v2");
        assert!(err.to_string().contains("IR version 2"), "{err}");
    }
}
