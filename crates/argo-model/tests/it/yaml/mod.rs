//! `argo_model::yaml`: YAML that YAML 1.1 and YAML 1.2 readers read alike.

mod fixture;
mod props;
mod readers;
mod upstream;
