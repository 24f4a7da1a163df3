//! Argo's limit on a Workflow's size: its controller fails a workflow larger than 1 MiB of
//! compact JSON (`maxWorkflowSize`, checked after it compresses the node status).

use argo_client::DEFAULT_MAX_WORKFLOW_SIZE;
use argo_model::Workflow;

use crate::error::CliError;
use crate::output;

/// Counts the bytes written to it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of `workflow` as compact JSON, as Argo measures it (counted, not kept).
fn compact_size(workflow: &Workflow) -> Result<usize, CliError> {
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, workflow).map_err(CliError::Serialize)?;
    Ok(counter.0)
}

/// `bytes` as MiB with two decimals.
pub(crate) fn mib(bytes: usize) -> String {
    #[allow(clippy::cast_precision_loss)] // sizes of manifests: far below 2^52
    let value = bytes as f64 / f64::from(1u32 << 20);
    format!("{value:.2} MiB")
}

/// What makes a workflow smaller.
pub(crate) const HELP: &str = "fewer tasks make it smaller: group nodes into tasks with --group-by, or compile part of the pipeline";

/// `compile` and `plan`: a warning on stderr when the manifest is over the limit.
pub(crate) fn warn_if_too_large(workflow: &Workflow) -> Result<(), CliError> {
    let size = compact_size(workflow)?;
    if size > DEFAULT_MAX_WORKFLOW_SIZE {
        output::status(&format!(
            "warning: the manifest is {} ({size} bytes) of compact JSON, over the {} Argo accepts (its controller fails larger workflows); {HELP}",
            mib(size),
            mib(DEFAULT_MAX_WORKFLOW_SIZE),
        ));
    }
    Ok(())
}

/// `submit`: an error when the manifest is over the limit, unless `force`.
pub(crate) fn refuse_if_too_large(workflow: &Workflow, force: bool) -> Result<(), CliError> {
    let size = compact_size(workflow)?;
    if size > DEFAULT_MAX_WORKFLOW_SIZE && !force {
        return Err(CliError::ManifestTooLarge {
            size,
            limit: DEFAULT_MAX_WORKFLOW_SIZE,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow_of(bytes: usize) -> Workflow {
        let mut wf = Workflow::with_generate_name("big-");
        wf.metadata.annotations = Some([("filler".to_owned(), "x".repeat(bytes))].into());
        wf
    }

    #[test]
    fn over_the_limit_is_refused_unless_forced() {
        let big = workflow_of(DEFAULT_MAX_WORKFLOW_SIZE);
        match refuse_if_too_large(&big, false) {
            Err(CliError::ManifestTooLarge { size, limit }) => {
                assert!(size > limit);
                assert_eq!(limit, 1 << 20);
            }
            other => panic!("{other:?}"),
        }
        assert!(refuse_if_too_large(&big, true).is_ok());
        assert!(refuse_if_too_large(&workflow_of(1000), false).is_ok());
        assert!(warn_if_too_large(&big).is_ok());
    }

    #[test]
    fn the_size_is_that_of_compact_json() {
        let wf = workflow_of(10);
        assert_eq!(
            compact_size(&wf).unwrap(),
            serde_json::to_vec(&wf).unwrap().len()
        );
    }

    #[test]
    fn sizes_read_in_mib() {
        assert_eq!(mib(1 << 20), "1.00 MiB");
        assert_eq!(mib(1_300_000), "1.24 MiB");
    }
}
