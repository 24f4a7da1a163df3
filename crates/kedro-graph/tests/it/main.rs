//! Integration tests of kedro-graph: fixture IR documents and the real exporter's output,
//! validated against `schema/ir.schema.json` and loaded.

mod exporter_output;
mod fixtures;
mod support;
mod version;
