//! The names that `argo.yml` defines and the pipeline refers to: the same newtypes as the IR's
//! ([`kedro_graph::MachineTypeName`], [`kedro_graph::TemplateName`]), so a node's machine type
//! and the `machine_types` key it names are one type.

#[doc(no_inline)]
pub use kedro_graph::{MachineTypeName, TemplateName};

/// The built-in template that runs `kedro run` (the default `default_template`).
pub const BUILTIN_TEMPLATE: &str = "kedro";

/// The built-in template's name, [`BUILTIN_TEMPLATE`].
///
/// ```
/// assert_eq!(argo_fuse::config::builtin_template().as_str(), "kedro");
/// ```
pub fn builtin_template() -> TemplateName {
    // `kedro` satisfies the rule of template names.
    TemplateName::new(BUILTIN_TEMPLATE).unwrap_or_else(|_| unreachable!("`kedro` is a valid name"))
}
