//! `argo-kedro submit`: compile, build and push the image, create the Workflow.

use std::path::Path;

use argo_client::SubmitOptions;
use argo_fuse::Config;

use crate::cli::{GlobalArgs, ManifestFormat, ResultFormat, SubmitArgs};
use crate::commands::{compile, watch};
use crate::error::CliError;
use crate::image::{Docker, DockerCommand, ImageRef};
use crate::{cluster, output, project, size};

/// `argo-kedro submit`.
pub(crate) fn run(global: &GlobalArgs, args: &SubmitArgs) -> Result<(), CliError> {
    let (loaded, mut compiled, image) = project::compile_with_image(global, &args.selection, None)?;
    if let Some(base) = &args.workflow_name {
        // As argo-kedro 0.1.41's `--workflow-name`: the base of a generated name.
        compiled.workflow.metadata.generate_name = Some(argo_fuse::names::generate_name(base));
        compiled.workflow.metadata.name = None;
    }
    let name = args
        .name
        .as_deref()
        .map(|n| cluster::workflow_name(n, "--name"))
        .transpose()?;
    if args.dry_run {
        size::warn_if_too_large(&compiled.workflow)?;
    } else {
        size::refuse_if_too_large(&compiled.workflow, args.force)?;
    }
    let build = !(args.no_build || args.selection.image.is_some());
    let docker = Docker::from_env("--no-build");
    let commands = if build {
        build_commands(&compiled.config, &image)?
    } else {
        Vec::new()
    };

    if args.dry_run {
        return dry_run(
            args,
            compiled.workflow,
            name.as_ref(),
            &commands,
            &docker,
            build,
            &image,
        );
    }

    let config = compiled.config;
    let workflow = compiled.workflow;
    cluster::block_on(async {
        let client = cluster::connect(global, Some(&config.namespace)).await?;
        let mut options = SubmitOptions::default();
        if let Some(name) = name {
            options = options.name(name);
        }
        // Before anything is built or pushed: the cluster answers, Argo is installed, the
        // namespace exists and this user may create this Workflow (a server-side dry run of the
        // very create below: authentication, RBAC, the CRD's schema, a taken --name).
        client
            .submit(&workflow, &options.clone().dry_run(true))
            .await
            .map_err(cluster::failed(
                "create the workflow (checked before building the image: nothing was built)",
            ))?;
        output::status(&format!(
            "cluster ok: may create workflows in namespace {}",
            client.namespace()
        ));
        docker.run_all(&commands, &loaded.root)?;
        let submitted = client
            .submit(&workflow, &options)
            .await
            .map_err(cluster::failed("submit the workflow"))?;
        let namespace = submitted.namespace.to_string();
        let url = config.ui_link_for(&namespace, submitted.name.as_str());
        match args.format {
            ResultFormat::Json => {
                let value = serde_json::json!({
                    "name": submitted.name,
                    "namespace": namespace,
                    "uid": submitted.uid,
                    "url": url,
                });
                output::stdout(&format!("{value}\n"))?;
            }
            ResultFormat::Text => {
                output::status(&format!(
                    "submitted workflow {} in namespace {namespace} (image {image})",
                    submitted.name
                ));
                if let Some(url) = &url {
                    output::status(&format!("  {url}"));
                }
                output::stdout(&format!("{}\n", submitted.name))?;
            }
        }
        if args.watch {
            watch::follow(&client, &submitted.name).await?;
        }
        Ok(())
    })
}

/// `submit --dry-run`: the docker commands on stderr, the manifest on stdout or `-o FILE`.
fn dry_run(
    args: &SubmitArgs,
    mut workflow: argo_model::Workflow,
    name: Option<&argo_client::WorkflowName>,
    commands: &[DockerCommand],
    docker: &Docker,
    build: bool,
    image: &str,
) -> Result<(), CliError> {
    for command in commands {
        output::status(&format!("would run: {}", command.display(&docker.program)));
    }
    if !build {
        output::status(&format!(
            "would build no image: the pods run {image} (--no-build / --image)"
        ));
    }
    if let Some(name) = name {
        workflow.metadata.name = Some(name.to_string());
        workflow.metadata.generate_name = None;
    }
    let format = match args.format {
        ResultFormat::Json => ManifestFormat::Json,
        ResultFormat::Text => ManifestFormat::Yaml,
    };
    let text = compile::render(workflow, format)?;
    compile::emit(args.output.as_deref(), &text)
}

/// `docker buildx build ...` then `docker push ...` for `image`, as argo.yml's `deployment` says.
pub(crate) fn build_commands(config: &Config, image: &str) -> Result<Vec<DockerCommand>, CliError> {
    let image = ImageRef::parse(image).ok_or_else(|| CliError::InvalidImage {
        image: image.to_string(),
    })?;
    let d = &config.deployment;
    Ok(vec![
        DockerCommand::build(
            &image,
            &d.target_platform,
            Path::new(&d.dockerfile),
            Path::new(&d.context),
        ),
        DockerCommand::push(&image),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_push_follow_the_deployment_config() {
        let config = Config::from_yaml_str(
            "namespace: ns\ndeployment: {image: reg/img, target_platform: linux/arm64, dockerfile: docker/Dockerfile, context: ./src}\n\
             machine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}\ndefault_machine_type: default\n",
        )
        .unwrap();
        let commands = build_commands(&config, "reg/img:g1").unwrap();
        let shown: Vec<_> = commands
            .iter()
            .map(|c| c.display(Path::new("docker")))
            .collect();
        assert_eq!(
            shown,
            [
                "docker buildx build --platform linux/arm64 -f docker/Dockerfile -t reg/img:g1 --load ./src",
                "docker push reg/img:g1"
            ]
        );
        assert!(matches!(
            build_commands(&config, "reg/img"),
            Err(CliError::InvalidImage { .. })
        ));
    }
}
